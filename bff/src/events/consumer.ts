import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type { Logger } from '../log';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';

/** One entry of `<prefix>events` as a consumer sees it (CONTRACT.md "Redis layout"). */
export interface StreamEntry {
  /** The stream entry id (`<ms>-<seq>`), what XACK takes. */
  entryId: string;
  /** The push's type: the `Event`, or the `MsgType` where there is no Event. */
  type: string;
  /** The de-duplication key of the push: stable across redeliveries, the key for idempotency. */
  id: string;
  /** When the callback stored it, ms since the epoch. */
  receivedAt: number;
  /** The message as JSON text (WeChat's field names, CreateTime a number). */
  payload: string;
  /** Every field of the entry as stored. */
  fields: Record<string, string>;
  /** How many times the group delivered this entry, this delivery included. */
  deliveries: number;
}

export type EntryHandler = (entry: StreamEntry) => Promise<void>;

/**
 * Thrown by a handler for an entry that can never succeed (malformed payload): the entry goes to
 * the dead-letter stream at once instead of being retried `maxDeliveries` times.
 */
export class PermanentFailure extends Error {
  override readonly name = 'PermanentFailure';
}

export interface StreamConsumerOptions {
  redis: RedisClient;
  keys: RedisKeys;
  /** The consumer group, e.g. `projector`. */
  group: string;
  /** The stream to read; default `<prefix>events` (the webhooks also read `<prefix>events:unparsed`). */
  stream?: string;
  /** This consumer's name in the group; unique per process (default host-pid-random). */
  consumer?: string;
  handler: EntryHandler;
  /**
   * Optional: handles a whole read batch at once (one Redis call for many entries), all acknowledged
   * together when it succeeds. When it throws, each entry goes through `handler` as usual.
   */
  batchHandler?: (entries: StreamEntry[]) => Promise<void>;
  logger: Logger;
  /** XREADGROUP COUNT. Default 10. */
  batchSize?: number;
  /** XREADGROUP BLOCK, ms: the longest an idle read waits (and `stop()` on a cluster). Default 2000. */
  blockMs?: number;
  /**
   * An entry pending (delivered, not acknowledged) longer than this is claimed and retried: one
   * whose consumer died, or one whose handler failed. An entry read waits for those before it in its
   * read: keep this above `batchSize` times the longest handler run, or a slow but live consumer loses
   * entries to another (harmless: handlers are idempotent). Default 60 s.
   */
  claimIdleMs?: number;
  /** How often XAUTOCLAIM runs. Default min(claimIdleMs, 30 s). */
  claimEveryMs?: number;
  /** Deliveries after which a failing entry goes to the dead-letter stream. Default 5. */
  maxDeliveries?: number;
  /** Backoff after a Redis error: first wait, doubled up to `maxBackoffMs`. Defaults 100 ms / 5 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Approximate cap of the dead-letter stream (XADD MAXLEN ~; nobody reads it through a group). Default 10 000. */
  deadLetterMaxLen?: number;
}

/** Fields of a dead-letter entry, beyond the original entry's own. */
export interface DeadLetterFields {
  group: string;
  consumer: string;
  deliveries: string;
  error: string;
  dead_at: string;
  /** The original entry's id in `events`. */
  entry_id: string;
}

/** While a read's entries are handled one by one, the handled ones are acknowledged at least this often (ms). */
const ACK_EVERY_MS = 1000;

/**
 * A reader of `<prefix>events` in one consumer group, at least once: each entry is handed to the
 * handler and acknowledged (XACK) only when the handler succeeded. A failure leaves the entry
 * pending; every `claimEveryMs` the consumer claims (XAUTOCLAIM) entries pending longer than
 * `claimIdleMs` (its own failures, or entries of a consumer that died) and retries them. An entry
 * delivered `maxDeliveries` times without success is copied to `<prefix>events:dead` and acknowledged.
 *
 * Reads block on a connection of their own (a duplicate of `redis`), so the shared client is never
 * held up. Redis errors are logged and retried with backoff; the consumer never gives up.
 */
export class StreamConsumer {
  readonly group: string;
  readonly consumer: string;
  private readonly redis: RedisClient;
  private readonly stream: string;
  private readonly deadStream: string;
  private readonly handler: EntryHandler;
  private readonly batchHandler: ((entries: StreamEntry[]) => Promise<void>) | undefined;
  private readonly logger: Logger;
  private readonly batchSize: number;
  private readonly blockMs: number;
  private readonly claimIdleMs: number;
  private readonly claimEveryMs: number;
  private readonly maxDeliveries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly deadLetterMaxLen: number;

  private reader: RedisClient | undefined;
  private readerClientId: number | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private blocked = false;
  private wake: (() => void) | undefined;
  private nextClaimAt = 0;
  /** The last handler error per entry, for the dead letter of an entry claimed back after it. */
  private readonly lastErrors = new Map<string, string>();

  constructor(opts: StreamConsumerOptions) {
    this.redis = opts.redis;
    this.stream = opts.stream ?? opts.keys.events;
    this.deadStream = opts.keys.eventsDead;
    this.group = opts.group;
    this.consumer = opts.consumer ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.handler = opts.handler;
    this.batchHandler = opts.batchHandler;
    this.logger = opts.logger;
    this.batchSize = opts.batchSize ?? 10;
    this.blockMs = opts.blockMs ?? 2000;
    this.claimIdleMs = opts.claimIdleMs ?? 60_000;
    this.claimEveryMs = opts.claimEveryMs ?? Math.min(this.claimIdleMs, 30_000);
    this.maxDeliveries = opts.maxDeliveries ?? 5;
    this.backoffMs = opts.backoffMs ?? 100;
    this.maxBackoffMs = opts.maxBackoffMs ?? 5000;
    this.deadLetterMaxLen = opts.deadLetterMaxLen ?? 10_000;
  }

  /**
   * Starts reading in the background. Resolves once the group exists (created from `0`, so a new
   * group sees what the stream still holds), retrying while Redis is unreachable; `stop()` also
   * resolves it.
   */
  async start(): Promise<void> {
    if (this.loop) throw new Error(`consumer ${this.group}/${this.consumer} already started`);
    this.stopping = false;
    // A connection of its own: a blocking read would hold up every command queued behind it.
    // Named, so CLIENT LIST tells which group and consumer a connection reads for.
    const connectionName = `events-reader:${this.group}:${this.consumer}`.replace(/\s/g, '_');
    this.reader = this.redis instanceof Redis ? this.redis.duplicate({ connectionName }) : this.redis.duplicate();
    this.reader.on('error', (e: Error) => this.logger.debug('stream reader connection error', { group: this.group, error: e.message }));
    if (this.reader instanceof Redis) {
      const reader = this.reader;
      reader.on('ready', () => {
        reader.client('ID').then(
          (id) => (this.readerClientId = Number(id)),
          () => (this.readerClientId = undefined),
        );
      });
    }
    let groupReady!: () => void;
    const ready = new Promise<void>((resolve) => (groupReady = resolve));
    this.loop = this.run(groupReady);
    await ready;
  }

  /** Stops reading, lets the batch in hand finish (handled and acknowledged), then resolves. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.wake?.();
    if (this.blocked && this.readerClientId !== undefined) {
      // Ends the blocking read now, as if it had timed out (no entry is taken by it).
      await this.redis.client('UNBLOCK', this.readerClientId, 'TIMEOUT').catch(() => undefined);
    }
    await this.loop;
    this.loop = undefined;
    this.reader?.disconnect();
    this.reader = undefined;
    this.readerClientId = undefined;
  }

  private async run(groupReady: () => void): Promise<void> {
    let backoff = this.backoffMs;
    let haveGroup = false;
    while (!this.stopping) {
      try {
        if (!haveGroup) {
          await this.ensureGroup();
          haveGroup = true;
          groupReady();
        }
        if (Date.now() >= this.nextClaimAt) {
          await this.claimPending();
          this.nextClaimAt = Date.now() + this.claimEveryMs;
        }
        if (this.stopping) break;
        const entries = await this.readNew();
        if (!(await this.processBatch(entries))) await this.processEach(entries);
        backoff = this.backoffMs;
      } catch (e) {
        const message = errorMessage(e);
        if (message.includes('NOGROUP')) haveGroup = false; // the stream or group was deleted: create it again
        this.logger.warn('event consumer: redis error, retrying', { group: this.group, consumer: this.consumer, error: message, retryInMs: backoff });
        await this.pause(backoff);
        backoff = Math.min(backoff * 2, this.maxBackoffMs);
      }
    }
    groupReady();
  }

  /** XGROUP CREATE … 0 MKSTREAM; an existing group is fine. */
  private async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.stream, this.group, '0', 'MKSTREAM');
      this.logger.info('event consumer group created', { stream: this.stream, group: this.group });
    } catch (e) {
      if (!errorMessage(e).includes('BUSYGROUP')) throw e;
    }
  }

  private async readNew(): Promise<StreamEntry[]> {
    const reader = this.reader;
    if (!reader) return [];
    if (reader.status !== 'ready') await whenReady(reader, this.blockMs + 3000);
    this.blocked = true;
    let reply: unknown;
    try {
      reply = await reader.xreadgroup('GROUP', this.group, this.consumer, 'COUNT', this.batchSize, 'BLOCK', this.blockMs, 'STREAMS', this.stream, '>');
    } finally {
      this.blocked = false;
    }
    const entries: StreamEntry[] = [];
    for (const [entryId, fields] of streamReadItems(reply)) {
      if (fields) entries.push(toEntry(entryId, fields, 1));
    }
    return entries;
  }

  /** XAUTOCLAIM what has been pending longer than claimIdleMs, page by page, and retries it. */
  private async claimPending(): Promise<void> {
    let cursor = '0-0';
    for (let page = 0; page < 100 && !this.stopping; page++) {
      const reply = (await this.redis.xautoclaim(this.stream, this.group, this.consumer, this.claimIdleMs, cursor, 'COUNT', this.batchSize)) as unknown[];
      cursor = String(reply[0] ?? '0-0');
      const items = (Array.isArray(reply[1]) ? reply[1] : []) as [string, string[] | null][];
      const deleted = (Array.isArray(reply[2]) ? reply[2] : []) as string[];
      for (const id of deleted) this.logger.warn('event consumer: a pending entry was deleted from the stream before it was handled', { group: this.group, entryId: id });
      // Redis before 7 answers a deleted entry with nil fields and keeps it pending: acknowledge it.
      const gone = items.filter(([, f]) => !f).map(([id]) => id);
      if (gone.length) await this.redis.xack(this.stream, this.group, ...gone);
      const live = items.filter((i): i is [string, string[]] => Array.isArray(i[1]));
      if (live.length) {
        const deliveries = await this.deliveryCounts(live.map(([id]) => id));
        const retries: StreamEntry[] = [];
        for (const [id, fields] of live) {
          const entry = toEntry(id, fields, deliveries.get(id) ?? this.maxDeliveries + 1);
          this.logger.info('event consumer: claimed a pending entry', { group: this.group, consumer: this.consumer, entryId: id, type: entry.type, deliveries: entry.deliveries });
          if (entry.deliveries > this.maxDeliveries) {
            await this.deadLetter(entry, this.lastErrors.get(id) ?? `delivered ${entry.deliveries} times without being acknowledged`);
          } else {
            retries.push(entry);
          }
        }
        await this.processEach(retries);
      }
      if (cursor === '0-0') break;
    }
  }

  /** Each entry's delivery count, from the group's pending entries list (XPENDING per id, pipelined). */
  private async deliveryCounts(ids: string[]): Promise<Map<string, number>> {
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.xpending(this.stream, this.group, id, id, 1);
    const results = (await pipeline.exec()) ?? [];
    const counts = new Map<string, number>();
    results.forEach(([err, rows], i) => {
      if (err) throw err;
      const row = (rows as unknown[][] | null)?.[0];
      if (row) counts.set(ids[i]!, Number(row[3]));
    });
    return counts;
  }

  /** The batch handler over new entries, acknowledged in one call; false: none, or it failed (each entry then goes alone). */
  private async processBatch(entries: StreamEntry[]): Promise<boolean> {
    if (!this.batchHandler || entries.length === 0) return false;
    try {
      await this.batchHandler(entries);
    } catch (e) {
      this.logger.warn('event consumer: batch handler failed, handling entries one by one', { group: this.group, entries: entries.length, error: errorMessage(e) });
      return false;
    }
    await this.redis.xack(this.stream, this.group, ...entries.map((e) => e.entryId));
    return true;
  }

  /**
   * Each entry through the handler, in order, the handled ones acknowledged together: one XACK a read
   * instead of one an entry, and one at least every ACK_EVERY_MS while slow handlers (WeChat calls)
   * work through a read, so no handled entry stays pending towards claimIdleMs for long. An entry
   * handled and not yet acknowledged when the process dies is delivered again (at least once, as for
   * any entry in hand; handlers are idempotent). Once stopping, the entry in hand is finished and
   * acknowledged and the rest of the read is left pending for the group's other consumers.
   */
  private async processEach(entries: StreamEntry[]): Promise<void> {
    let handled: string[] = [];
    let since = Date.now();
    const acknowledge = async () => {
      if (handled.length) await this.redis.xack(this.stream, this.group, ...handled);
      handled = [];
      since = Date.now();
    };
    for (const entry of entries) {
      if (this.stopping) break;
      if (await this.process(entry)) handled.push(entry.entryId);
      if (Date.now() - since >= ACK_EVERY_MS) await acknowledge();
    }
    await acknowledge();
  }

  /** One entry through the handler: true when handled (to acknowledge); a failure is dead-lettered or left pending. */
  private async process(entry: StreamEntry): Promise<boolean> {
    try {
      await this.handler(entry);
    } catch (e) {
      const message = errorMessage(e);
      const permanent = e instanceof PermanentFailure;
      this.logger.warn('event consumer: handler failed', {
        group: this.group,
        consumer: this.consumer,
        entryId: entry.entryId,
        type: entry.type,
        deliveries: entry.deliveries,
        permanent,
        error: message,
      });
      if (permanent || entry.deliveries >= this.maxDeliveries) {
        await this.deadLetter(entry, message);
      } else {
        this.rememberError(entry.entryId, message);
      }
      return false;
    }
    this.lastErrors.delete(entry.entryId);
    return true;
  }

  /** Copies the entry to `events:dead` with why it died, and acknowledges it, in one transaction. */
  private async deadLetter(entry: StreamEntry, error: string): Promise<void> {
    const dead: DeadLetterFields = {
      group: this.group,
      consumer: this.consumer,
      deliveries: String(entry.deliveries),
      error: error.slice(0, 2000),
      dead_at: String(Date.now()),
      entry_id: entry.entryId,
    };
    const fields = Object.entries({ ...entry.fields, ...dead }).flat();
    const result = await this.redis
      .multi()
      .xadd(this.deadStream, 'MAXLEN', '~', this.deadLetterMaxLen, '*', ...fields)
      .xack(this.stream, this.group, entry.entryId)
      .exec();
    const failed = result?.find(([err]) => err);
    if (!result || failed) throw failed?.[0] ?? new Error('dead-letter transaction aborted');
    this.lastErrors.delete(entry.entryId);
    this.logger.error('event consumer: entry moved to the dead-letter stream', {
      group: this.group,
      entryId: entry.entryId,
      type: entry.type,
      deliveries: entry.deliveries,
      error,
      deadStream: this.deadStream,
    });
  }

  private rememberError(entryId: string, message: string): void {
    this.lastErrors.delete(entryId);
    this.lastErrors.set(entryId, message);
    if (this.lastErrors.size > 1000) this.lastErrors.delete(this.lastErrors.keys().next().value!);
  }

  /** Waits, unless stop() comes first. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

/** XREADGROUP's reply for one stream as `[id, fields]` items, whichever shape the client gives. */
function streamReadItems(reply: unknown): [string, string[] | null][] {
  if (!reply) return [];
  if (Array.isArray(reply)) {
    // [[key, items], …] (RESP2 shape), or [key, items] (a flattened RESP3 map).
    if (reply.length && Array.isArray(reply[0])) return reply.flatMap((s) => (Array.isArray(s) ? ((s as unknown[])[1] as [string, string[] | null][]) : []));
    const out: [string, string[] | null][] = [];
    for (let i = 1; i < reply.length; i += 2) out.push(...(reply[i] as [string, string[] | null][]));
    return out;
  }
  if (typeof reply === 'object') return Object.values(reply as Record<string, [string, string[] | null][]>).flat();
  return [];
}

function toEntry(entryId: string, flat: string[], deliveries: number): StreamEntry {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return {
    entryId,
    type: fields.type ?? '',
    id: fields.id ?? '',
    receivedAt: Number(fields.received_at ?? 0),
    payload: fields.payload ?? '',
    fields,
    deliveries,
  };
}

/** Resolves when the connection is ready; rejects after `timeoutMs`, leaving no listener behind. */
function whenReady(client: RedisClient, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`the stream reader connection is not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    client.once('ready', onReady);
  });
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
