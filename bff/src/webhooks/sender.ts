import { parseEvent } from '@giftcard/shared';
import type { MerchantWebhookConfig } from '../config';
import { StreamConsumer, type StreamEntry } from '../events/consumer';
import type { Logger } from '../log';
import type { Metrics } from '../ops/metrics';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';
import { nextStep } from './retry';
import { webhookHeaders } from './signature';
import { WebhookStore, type DeliveryState } from './store';

/** The consumer group that drives delivery (CONTRACT.md "Merchant webhooks"). */
export const WEBHOOKS_GROUP = 'webhooks';

/** The transport, behind an interface of its own (a test or a bench may count what goes out). */
export interface WebhookTransport {
  /** Resolves with the status, or rejects (network error, timeout). */
  post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<number>;
}

export const fetchTransport: WebhookTransport = {
  async post(url, headers, body, timeoutMs) {
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    // Read (and drop) the answer within the same deadline, so the connection can be kept alive.
    await res.arrayBuffer();
    return res.status;
  },
};

export interface WebhookSenderDeps {
  redis: RedisClient;
  keys: RedisKeys;
  config: MerchantWebhookConfig;
  logger: Logger;
  metrics: Metrics;
  transport?: WebhookTransport;
  /** Attempts in flight in this process at most. Default 32. */
  concurrency?: number;
  /** Consumer name in the group (default: host-pid-random). */
  consumer?: string;
}

/**
 * The body of a webhook: the stream entry's fields, `payload` as an object (CONTRACT.md). An event
 * of the table in its one shape, as the shared `parseEvent` reads it; anything else (another push,
 * an `unparsed` one) with its fields as stored; a payload that is not a JSON object (a hand-made
 * entry) as the text it is.
 */
export function webhookBody(entry: StreamEntry): string {
  const { type, id, received_at: _r, payload: _p, ...extra } = entry.fields;
  const read = parseEvent(entry.payload);
  const payload = read.ok ? read.event : (read.fields ?? entry.payload);
  return JSON.stringify({ id, entry_id: entry.entryId, type, received_at: entry.receivedAt, payload, ...extra });
}

/**
 * Merchant webhooks, at least once, shared by every BFF process.
 *
 * Intake: the consumer group `webhooks` on `events` and on `events:unparsed` reads each entry and
 * schedules its delivery in Redis (a hash of states and a sorted set of due times), then
 * acknowledges it. Delivery: every process takes due deliveries from the sorted set with a lease
 * (their due time moved to the lease's end, in one script), POSTs them, and on failure writes the
 * next due time from `nextStep` (or dead). A process killed mid-attempt leaves a lease that
 * expires, and another process (or the restarted one) takes the delivery. A down endpoint costs
 * each of its deliveries one attempt per backoff, never a slot held while it waits, and nothing in
 * process memory; the callback only ever writes `events`, so it never waits for a merchant.
 */
export class WebhookSender {
  readonly store: WebhookStore;
  private readonly intake: StreamConsumer[];
  private readonly transport: WebhookTransport;
  private readonly concurrency: number;
  /** A leased delivery is taken by another process after this long: the attempt's timeout and a margin. */
  readonly leaseMs: number;
  private readonly pollMs: number;
  private inFlight = 0;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private done: Array<{ id: string; resolve: () => void; reject: (e: Error) => void }> = [];
  /** Set by a wake that came while the loop was not asleep: its next sleep returns at once. */
  private woken = false;
  private readonly attempts;
  private readonly outcomes;

  constructor(private readonly deps: WebhookSenderDeps) {
    this.store = new WebhookStore(deps.redis, deps.keys);
    this.transport = deps.transport ?? fetchTransport;
    this.concurrency = deps.concurrency ?? 32;
    this.leaseMs = deps.config.timeoutMs + Math.max(500, deps.config.timeoutMs / 2);
    // Deliveries scheduled by other processes (retries, replays) are seen within this long.
    this.pollMs = Math.min(Math.max(deps.config.retryMs, 50), 1000);
    this.attempts = deps.metrics.counter('merchant_webhook_attempts_total', 'Merchant webhook attempts by outcome (delivered, http_error, timeout, network).', ['outcome']);
    this.outcomes = deps.metrics.counter('merchant_webhook_deliveries_total', 'Merchant webhook deliveries by outcome (delivered, retry, dead).', ['outcome']);
    const intake = (stream: string) =>
      new StreamConsumer({
        redis: deps.redis,
        keys: deps.keys,
        stream,
        group: WEBHOOKS_GROUP,
        consumer: deps.consumer,
        handler: (entry) => this.schedule([entry]),
        batchHandler: (entries) => this.schedule(entries),
        logger: deps.logger,
        batchSize: 64,
        blockMs: 1000,
        // Scheduling is one script call: an entry pending this long belongs to a process that died.
        claimIdleMs: this.leaseMs,
      });
    this.intake = [intake(deps.keys.events), intake(deps.keys.eventsUnparsed)];
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await Promise.all(this.intake.map((c) => c.start()));
    this.loop = this.deliverLoop();
  }

  /** Stops reading and taking deliveries; waits for the attempts in flight. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await Promise.all(this.intake.map((c) => c.stop()));
    await this.loop;
  }

  private async schedule(entries: StreamEntry[]): Promise<void> {
    const now = Date.now();
    const states = entries.map(
      (entry): DeliveryState => ({
        id: entry.id,
        entry_id: entry.entryId,
        type: entry.type,
        body: webhookBody(entry),
        attempts: 0,
        first_at: now,
        last_error: null,
        last_attempt_at: null,
      }),
    );
    await this.store.schedule(states, now);
    this.wake();
  }

  private async deliverLoop(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      this.woken = false;
      try {
        const free = this.concurrency - this.inFlight;
        let wait = this.pollMs;
        // With attempts in flight, claim once a quarter of the slots is free: one script call for several.
        if (free > 0 && (this.inFlight === 0 || free >= this.concurrency / 4)) {
          const now = Date.now();
          const { claimed, nextDueAt } = await this.store.claim(now, now + this.leaseMs, free);
          for (const state of claimed) {
            this.inFlight++;
            void this.attempt(state).finally(() => {
              this.inFlight--;
              this.wake();
            });
          }
          if (claimed.length > 0 && claimed.length === free) continue; // more may be due
          if (nextDueAt !== undefined) wait = Math.max(0, Math.min(wait, nextDueAt - Date.now()));
        }
        backoff = 100;
        if (wait > 0) await this.sleep(wait);
      } catch (e) {
        this.deps.logger.warn('webhooks: redis error, retrying', { error: (e as Error).message, retryInMs: backoff });
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 20));
  }

  private async attempt(state: DeliveryState): Promise<void> {
    const { url, secret, timeoutMs } = this.deps.config;
    const startedAt = Date.now();
    const timestamp = Math.floor(startedAt / 1000);
    let error: string | undefined;
    let outcome: 'delivered' | 'http_error' | 'timeout' | 'network' = 'delivered';
    try {
      const status = await this.transport.post(url, webhookHeaders(secret, state.id, timestamp, state.body), state.body, timeoutMs);
      if (status < 200 || status > 299) {
        outcome = 'http_error';
        error = `HTTP ${status}`;
      }
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (err.name === 'TimeoutError' || err.name === 'AbortError') {
        outcome = 'timeout';
        error = `no answer within ${timeoutMs} ms`;
      } else {
        outcome = 'network';
        error = err.cause?.code ?? err.cause?.message ?? err.message;
      }
    }
    this.attempts.add({ outcome });
    try {
      if (error === undefined) {
        await this.forget(state.id);
        this.outcomes.add({ outcome: 'delivered' });
        return;
      }
      const now = Date.now();
      const failed: DeliveryState = { ...state, attempts: state.attempts + 1, last_error: error, last_attempt_at: startedAt };
      const step = nextStep(failed.attempts, state.first_at, now, { retryMs: this.deps.config.retryMs, giveUpMs: this.deps.config.giveUpS * 1000 });
      await this.store.failed(failed, step.kind === 'retry' ? step.at : undefined, now);
      this.outcomes.add({ outcome: step.kind === 'retry' ? 'retry' : 'dead' });
      if (step.kind === 'dead') this.deps.logger.error('webhook delivery dead', { id: state.id, type: state.type, attempts: failed.attempts, error });
    } catch (e) {
      // The lease runs out and the delivery is tried again: at least once.
      this.deps.logger.warn('webhooks: outcome not recorded', { id: state.id, error: (e as Error).message });
    }
  }

  /**
   * Group commit of "delivered": the attempts that end in one turn of the event loop are forgotten
   * by one script call (up to 256), each caller still waiting for its own write.
   */
  private forget(id: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.done.push({ id, resolve, reject });
      if (this.done.length === 1) setImmediate(() => this.flushDone());
    });
  }

  private flushDone(): void {
    const batch = this.done.splice(0, 256);
    if (this.done.length) setImmediate(() => this.flushDone());
    this.store.delivered(batch.map((d) => d.id)).then(
      () => batch.forEach((d) => d.resolve()),
      (e: Error) => batch.forEach((d) => d.reject(e)),
    );
  }

  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.wakeUp === done) self.wakeUp = undefined;
        resolve();
      }
      this.wakeUp = done;
    });
  }
}

/** The sender started: what the BFF process runs beside the projector when MERCHANT_WEBHOOK_URL is set. */
export async function startWebhooks(deps: WebhookSenderDeps): Promise<WebhookSender> {
  const sender = new WebhookSender(deps);
  await sender.start();
  return sender;
}
