import { randomInt } from 'node:crypto';
import { openReply, parseEncodingAesKey, type MessageSecrets } from '@giftcard/shared/wechat/message';
import type { EventOutbox, OutgoingEvent } from '../core/outbox';
import { MAX_ATTEMPTS, familyOf, pushRequest, refusal, type PushFamily } from './wire';

/** A retry's wait: the failed attempt's number (1 = the first try) and the event. */
export type RetryDelay = (failedAttempt: number, event: OutgoingEvent, family: PushFamily) => number;

export interface PusherOptions {
  url: string;
  token: string;
  /** EncodingAESKey (43 characters): set = safe mode. */
  aesKey?: string;
  /** The Service Account's appid: the trailer of encrypted pushes. */
  appid: string;
  /** Per attempt, from sending to the whole reply read (001: 5 s). */
  timeoutMs?: number;
  /** A fixed wait before every retry, or a function; default `wechatRetryDelay`. */
  retryDelay?: number | RetryDelay;
  /** Attempts in flight at once over all events; further ones queue. */
  maxInFlight?: number;
  /** Finished deliveries kept in the log (the oldest go first). */
  maxLog?: number;
  /** WeChat's time in Unix seconds, for the signature's `timestamp` (the sandbox clock). */
  now?: () => number;
}

export interface PushAttempt {
  attempt: number;
  /** Epoch ms, real time. */
  startedAt: number;
  durationMs: number;
  /** The HTTP status, when an answer came. */
  status?: number;
  /** The reply body, decrypted when it was encrypted (first 2 KiB). */
  reply?: string;
  /** Why this attempt did not acknowledge the push. */
  error?: string;
  accepted: boolean;
}

export type PushOutcome = 'pending' | 'acked' | 'gave_up' | 'stopped';

/** One event's delivery: every attempt and how it ended. */
export interface PushDelivery {
  id: number;
  event: string;
  family: PushFamily;
  maxAttempts: number;
  outcome: PushOutcome;
  attempts: PushAttempt[];
  /** The event's fields, as pushed. */
  payload: OutgoingEvent;
}

const SECOND = 1000;
/**
 * 002 §10: up to 30 pushes within 24 hours. The spacing is not documented; this one grows from
 * seconds to an hour and spends about 20.5 hours on the 29 retries.
 */
const CARD_RETRY_SECONDS = [15, 15, 30, 60, 120, 300, 600, 600, 1800, 1800];
const HOUR = 3600;

/**
 * Default spacing. Ordinary events (001): WeChat drops the connection after 5 s and sends again, so
 * attempts start about one timeout apart. Card events: `CARD_RETRY_SECONDS`, then hourly.
 */
export function wechatRetryDelay(timeoutMs: number): RetryDelay {
  return (failed, _event, family) => (family === 'card' ? (CARD_RETRY_SECONDS[failed - 1] ?? HOUR) * SECOND : timeoutMs);
}

const REPLY_KEPT = 2048;
const newNonce = () => String(randomInt(1_000_000_000, 9_999_999_999));

interface Delivery extends PushDelivery {
  timer?: NodeJS.Timeout;
}

/**
 * Delivers each event of the outbox to the merchant's callback URL the way WeChat does: signed,
 * encrypted in safe mode, with WeChat's timeout and retries. Events are delivered independently
 * (one slow receiver answer does not hold up the others) with at most `maxInFlight` attempts at
 * once. Every delivery is logged (`deliveries()`, `GET /sandbox/_control/pushes`).
 */
export class CallbackPusher {
  readonly url: string;
  readonly mode: 'plain' | 'aes';
  private readonly secrets: MessageSecrets;
  private readonly timeoutMs: number;
  private readonly retryDelay: RetryDelay;
  private readonly maxInFlight: number;
  private readonly maxLog: number;
  private readonly now: () => number;

  private readonly log = new Map<number, Delivery>();
  private readonly active = new Set<Delivery>();
  private readonly ready: Delivery[] = [];
  private readonly controllers = new Set<AbortController>();
  private idleWaiters: (() => void)[] = [];
  private inFlight = 0;
  private nextId = 1;
  private stopped = false;
  private outbox: EventOutbox | undefined;
  private readonly subscriber = (e: OutgoingEvent) => this.push(e);

  constructor(options: PusherOptions) {
    this.url = options.url;
    this.secrets = {
      token: options.token,
      ...(options.aesKey !== undefined && { aes: { key: parseEncodingAesKey(options.aesKey), appid: options.appid } }),
    };
    this.mode = this.secrets.aes ? 'aes' : 'plain';
    this.timeoutMs = options.timeoutMs ?? 5 * SECOND;
    const delay = options.retryDelay ?? wechatRetryDelay(this.timeoutMs);
    this.retryDelay = typeof delay === 'number' ? () => delay : delay;
    this.maxInFlight = options.maxInFlight ?? 64;
    this.maxLog = options.maxLog ?? 1000;
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Takes every event of the outbox from now on, the ones already waiting first. */
  attach(outbox: EventOutbox): this {
    this.outbox = outbox;
    outbox.subscribe(this.subscriber);
    return this;
  }

  /** Starts delivering one event. */
  push(event: OutgoingEvent): PushDelivery {
    const family = familyOf(event.Event);
    const delivery: Delivery = {
      id: this.nextId++,
      event: event.Event,
      family,
      maxAttempts: MAX_ATTEMPTS[family],
      outcome: this.stopped ? 'stopped' : 'pending',
      attempts: [],
      payload: event,
    };
    this.log.set(delivery.id, delivery);
    if (!this.stopped) {
      this.active.add(delivery);
      this.enqueue(delivery);
    }
    this.trimLog();
    return delivery;
  }

  /** The delivery log, oldest first (copies). */
  deliveries(): PushDelivery[] {
    return [...this.log.values()].map(({ timer: _, ...d }) => structuredClone(d));
  }

  /** Deliveries not finished yet (waiting for a slot, in flight, or waiting to retry). */
  get pending(): number {
    return this.active.size;
  }

  /** Resolves once no delivery is pending: each was acknowledged or given up (or the pusher stopped). */
  idle(): Promise<void> {
    if (this.active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops: no more attempts, in-flight ones aborted, new events left in the outbox. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.outbox?.unsubscribe(this.subscriber);
    for (const c of this.controllers) c.abort();
    for (const d of this.active) {
      if (d.timer) clearTimeout(d.timer);
      d.outcome = 'stopped';
    }
    this.active.clear();
    this.ready.length = 0;
    this.settle();
  }

  private enqueue(d: Delivery): void {
    this.ready.push(d);
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.inFlight < this.maxInFlight && this.ready.length > 0) {
      const d = this.ready.shift()!;
      this.inFlight += 1;
      void this.attempt(d).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async attempt(d: Delivery): Promise<void> {
    const attempt = d.attempts.length + 1;
    const startedAt = Date.now();
    let request: ReturnType<typeof pushRequest>;
    try {
      // Fresh timestamp and nonce per attempt; the event itself (CreateTime included) is unchanged.
      request = pushRequest(d.payload, this.secrets, String(this.now()), newNonce());
    } catch (e) {
      // An event that cannot be written as XML is a bug of the action that published it: no retry.
      d.attempts.push({ attempt, startedAt, durationMs: 0, error: `cannot write the event: ${(e as Error).message}`, accepted: false });
      return this.finish(d, 'gave_up');
    }
    const { query, body } = request;
    const controller = new AbortController();
    this.controllers.add(controller);
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let record: PushAttempt;
    try {
      const res = await fetch(`${this.url}${this.url.includes('?') ? '&' : '?'}${query}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body,
        redirect: 'manual',
        signal: controller.signal,
      });
      const raw = await res.text();
      const reply = openReply(raw, this.secrets);
      const text = reply.ok ? reply.text : raw;
      const error = reply.ok ? refusal(d.family, res.status, reply.text) : reply.error;
      record = {
        attempt,
        startedAt,
        durationMs: Date.now() - startedAt,
        status: res.status,
        reply: text.slice(0, REPLY_KEPT),
        ...(error !== undefined && { error }),
        accepted: error === undefined,
      };
    } catch (e) {
      const error = controller.signal.aborted
        ? this.stopped
          ? 'stopped'
          : `no answer within ${this.timeoutMs} ms`
        : `network: ${e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e)}`;
      record = { attempt, startedAt, durationMs: Date.now() - startedAt, error, accepted: false };
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
    }
    if (this.stopped || d.outcome !== 'pending') return;
    d.attempts.push(record);
    if (record.accepted) return this.finish(d, 'acked');
    if (attempt >= d.maxAttempts) return this.finish(d, 'gave_up');
    d.timer = setTimeout(() => {
      delete d.timer;
      if (!this.stopped) this.enqueue(d);
    }, Math.max(0, this.retryDelay(attempt, d.payload, d.family)));
    d.timer.unref();
  }

  private finish(d: Delivery, outcome: 'acked' | 'gave_up'): void {
    d.outcome = outcome;
    this.active.delete(d);
    this.trimLog();
    this.settle();
  }

  private settle(): void {
    if (this.active.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private trimLog(): void {
    for (const [id, d] of this.log) {
      if (this.log.size <= this.maxLog) return;
      if (!this.active.has(d)) this.log.delete(id);
    }
  }
}
