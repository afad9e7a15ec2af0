import { hash } from 'node:crypto';
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from '../redis/connect';
import { nameScript } from '../redis/scripts';
import type { RedisKeys } from '../redis/keys';

/** WeChat retries for up to 24 hours (spec 002 §10): remember a push for 25. */
export const DEDUP_TTL_SECONDS = 25 * 3600;

/** Most pushes one script call stores; a burst beyond it goes out as several calls. */
export const MAX_BATCH = 64;

export interface InboundPush {
  /** `Event`, or `MsgType` when there is no Event. */
  type: string;
  /** The de-duplication key: FromUserName, CreateTime, Event and the event's own ids. */
  id: string;
  /** The message with WeChat's field names; CreateTime a number. */
  payload: Record<string, unknown>;
  /**
   * Set for an authentic push whose fields fail the event schema: why. It goes to `events:unparsed`
   * (type `unparsed`, its own type in `event`) instead of `events`, de-duplicated the same way.
   */
  unparsed?: string;
}

export type StoreResult = { stored: true; entryId: string } | { stored: false; duplicateOf: string };

// Atomic for the whole batch, and in order: for each push, look, append, remember. GET before XADD
// so a failed XADD writes nothing for that push; the seen-key (holding the entry id) is set last,
// so a retry after any failure finds nothing and stores again. Two deliveries of one push in the
// same batch: the second finds the first's seen-key.
// KEYS[1] the stream, KEYS[2] the unparsed stream, KEYS[2 + i] push i's seen-key; ARGV[1] ttl, then
// type, id, received_at, payload, reason per push (reason '' = a parsed push, for `events`).
// Returns flag, entry id per push (1 = stored now, 0 = stored before; its seen-key's TTL renewed).
const STORE_ONCE = `
local ttl = tonumber(ARGV[1])
local out = {}
for i = 3, #KEYS do
  local a = (i - 3) * 5 + 1
  local prev = redis.call('GET', KEYS[i])
  if prev then
    -- A write even so: a replica that confirms it (WAIT) has the entry it follows in the stream too.
    redis.call('EXPIRE', KEYS[i], ttl)
    out[#out + 1] = 0
    out[#out + 1] = prev
  else
    local entry
    if ARGV[a + 5] == '' then
      entry = redis.call('XADD', KEYS[1], '*', 'type', ARGV[a + 1], 'id', ARGV[a + 2], 'received_at', ARGV[a + 3], 'payload', ARGV[a + 4])
    else
      entry = redis.call('XADD', KEYS[2], '*', 'type', 'unparsed', 'id', ARGV[a + 2], 'received_at', ARGV[a + 3], 'payload', ARGV[a + 4], 'event', ARGV[a + 1], 'reason', ARGV[a + 5])
    end
    redis.call('SET', KEYS[i], entry, 'EX', ttl)
    out[#out + 1] = 1
    out[#out + 1] = entry
  end
end
return out
`;
const STORE_ONCE_SHA = nameScript('inbox_store_once', STORE_ONCE);

interface Waiting {
  seenKey: string;
  args: [type: string, id: string, receivedAt: number, payload: string, reason: string];
  resolve: (result: StoreResult) => void;
  reject: (error: Error) => void;
}

/**
 * Stores each push exactly once in the `events` stream (or, when its fields fail the schema, in
 * `events:unparsed`). A retry of a stored push adds nothing and
 * learns the entry it duplicates.
 *
 * Group commit: the pushes that arrive in one turn of the event loop are stored by one script call
 * (up to MAX_BATCH), not one call each. Each caller still learns its own outcome and still waits for
 * the durable write; under load this halves the client's and Redis's work per push, and at low rates
 * a batch is a single push. In Redis Cluster all keys must share a slot: give REDIS_PREFIX a hash
 * tag, e.g. `{gc}:`.
 */
export class EventInbox {
  private waiting: Waiting[] = [];
  private scheduled = false;
  /** Replicas of the master holding `events`, asked once; none: nothing to wait for. */
  private replicas: Promise<number> | undefined;
  private eventsSlot: Promise<number> | undefined;

  /**
   * `replicaWaitMs`: when the master holding `events` has replicas, a batch is acknowledged only once
   * one of them confirms it (WAIT 1), so an acknowledged push survives that master's loss; no
   * confirmation within this many ms fails the batch (the callback answers 503, WeChat retries).
   */
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly opts: { replicaWaitMs?: number } = {},
  ) {}

  store(push: InboundPush, receivedAtMs = Date.now()): Promise<StoreResult> {
    return new Promise<StoreResult>((resolve, reject) => {
      this.waiting.push({
        seenKey: this.keys.eventSeen(hash('sha256', push.id, 'hex')),
        args: [push.type, push.id, receivedAtMs, JSON.stringify(push.payload), push.unparsed ?? ''],
        resolve,
        reject,
      });
      if (this.waiting.length >= MAX_BATCH) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        // After the poll phase: every request read in this turn has had its chance to join.
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Sends what is waiting; a full batch goes at once, the rest when the turn's immediate runs. */
  private flush(): void {
    const batch = this.waiting;
    if (batch.length === 0) return;
    this.waiting = [];
    this.write(batch).then(
      (results) => batch.forEach((w, i) => w.resolve(results[i]!)),
      (e: Error) => batch.forEach((w) => w.reject(e)),
    );
  }

  private async write(batch: Waiting[]): Promise<StoreResult[]> {
    const keys = [this.keys.events, this.keys.eventsUnparsed, ...batch.map((w) => w.seenKey)];
    const args = [DEDUP_TTL_SECONDS, ...batch.flatMap((w) => w.args)];
    // EVALSHA on the hot path: the script text travels only when Redis does not know it yet.
    const flat = (await this.redis.evalsha(STORE_ONCE_SHA, keys.length, ...keys, ...args).catch((e: Error) => {
      if (!e.message.startsWith('NOSCRIPT')) throw e;
      return this.redis.eval(STORE_ONCE, keys.length, ...keys, ...args);
    })) as Array<number | string>;
    await this.replicated();
    return batch.map((_, i) => {
      const entry = String(flat[2 * i + 1]);
      return flat[2 * i] === 1 ? { stored: true, entryId: entry } : { stored: false, duplicateOf: entry };
    });
  }

  /**
   * WAIT 1 on the connection that wrote the batch (the node serving `events`' slot): Redis replicates
   * asynchronously, so without it a write acknowledged just before its master dies can be lost in the
   * failover. Only where that master has replicas; on a lone Redis there is nothing to wait for.
   */
  private async replicated(): Promise<void> {
    const node = await this.nodeOfEvents();
    this.replicas ??= node.info('replication').then(
      (info) => Number(/connected_slaves:(\d+)/.exec(info)?.[1] ?? 0),
      (e: Error) => {
        this.replicas = undefined;
        throw e;
      },
    );
    if ((await this.replicas) === 0) return;
    const timeoutMs = this.opts.replicaWaitMs ?? 1000;
    const confirmed = Number(await node.wait(1, timeoutMs));
    if (confirmed < 1) throw new Error(`no replica confirmed the write within ${timeoutMs} ms`);
  }

  private async nodeOfEvents(): Promise<Redis> {
    if (!(this.redis instanceof Cluster)) return this.redis;
    const cluster = this.redis;
    this.eventsSlot ??= cluster.cluster('KEYSLOT', this.keys.events).then(Number, (e: Error) => {
      this.eventsSlot = undefined;
      throw e;
    });
    const address = cluster.slots[await this.eventsSlot]?.[0];
    const node = cluster.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === address);
    if (!node) throw new Error('no master known for the events slot');
    return node;
  }
}
