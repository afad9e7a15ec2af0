import { hash } from 'node:crypto';
import Redis, { Cluster } from 'ioredis';
import { redisReady, type RedisClient } from '../redis/connect';
import { defineScript, observeScript, runScript, type LuaScript } from '../redis/scripts';
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
  /**
   * A key the push proves, set in the same script call (stored now or a duplicate): the identity link
   * a safe-mode `user_get_card` teaches (UnionId → Service Account openid), without a round trip of its own.
   */
  link?: { key: string; value: string };
}

export type StoreResult = { stored: true; entryId: string } | { stored: false; duplicateOf: string };

/** A push's batch was not answered within the inbox's deadline: nothing can be said of it (WeChat retries). */
export class StoreDeadlineExceeded extends Error {}

/** How long a push may wait to be stored unless said (ms): well under WeChat's 5 s, so its retry comes. */
export const STORE_DEADLINE_MS = 3000;

// Atomic for the whole batch, and in order: for each push, look, append, remember. GET before XADD
// so a failed XADD writes nothing for that push; the seen-key (holding the entry id) is set last,
// so a retry after any failure finds nothing and stores again. Two deliveries of one push in the
// same batch: the second finds the first's seen-key.
// KEYS[1] the stream, KEYS[2] the unparsed stream, KEYS[2 + i] push i's seen-key (i = 1..n), then
// the link keys; ARGV[1] ttl, ARGV[2] n, then per push: type, id, received_at, payload, reason
// (reason '' = a parsed push, for `events`), link (its key's index in KEYS, '' for none), link value.
// Returns flag, entry id per push (1 = stored now, 0 = stored before; its seen-key's TTL renewed).
const STORE_ONCE = defineScript(
  'inbox_store_once',
  `
local ttl = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local out = {}
for i = 1, n do
  local seen = KEYS[2 + i]
  local a = (i - 1) * 7 + 2
  local prev = redis.call('GET', seen)
  if prev then
    -- A write even so: a replica that confirms it (WAIT) has the entry it follows in the stream too.
    redis.call('EXPIRE', seen, ttl)
    out[#out + 1] = 0
    out[#out + 1] = prev
  else
    local entry
    if ARGV[a + 5] == '' then
      entry = redis.call('XADD', KEYS[1], '*', 'type', ARGV[a + 1], 'id', ARGV[a + 2], 'received_at', ARGV[a + 3], 'payload', ARGV[a + 4])
    else
      entry = redis.call('XADD', KEYS[2], '*', 'type', 'unparsed', 'id', ARGV[a + 2], 'received_at', ARGV[a + 3], 'payload', ARGV[a + 4], 'event', ARGV[a + 1], 'reason', ARGV[a + 5])
    end
    redis.call('SET', seen, entry, 'EX', ttl)
    out[#out + 1] = 1
    out[#out + 1] = entry
  end
  if ARGV[a + 6] ~= '' then
    redis.call('SET', KEYS[tonumber(ARGV[a + 6])], ARGV[a + 7])
  end
end
return out
`,
);

interface Waiting {
  seenKey: string;
  push: InboundPush;
  receivedAtMs: number;
  resolve: (result: StoreResult) => void;
  reject: (error: Error) => void;
}

/** How often the replica count of the master holding `events` is asked again (ms). */
export const REPLICAS_RELEARN_MS = 5000;

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
  /** The deadline of the pushes in `waiting`, started with the first of them. */
  private waitingDeadline: NodeJS.Timeout | undefined;
  private scheduled = false;
  /** Batches sent and not yet answered. */
  private inFlight = 0;
  private readonly replicas: ReplicaWait;

  /**
   * `replicaWaitMs`: when the master holding `events` has replicas, a batch is acknowledged only once
   * one of them confirms it (WAIT 1), so an acknowledged push survives that master's loss; no
   * confirmation within this many ms fails the batch (the callback answers 503, WeChat retries).
   * `deadlineMs`: a push not stored this long after it came fails with StoreDeadlineExceeded (its
   * write may still land; WeChat's retry then finds it). One timer a batch, started by its first push,
   * not one a push: a batch shares its fate anyway, and a timer per push cost the hot path measurably.
   */
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    opts: { replicaWaitMs?: number; relearnMs?: number; deadlineMs?: number } = {},
  ) {
    this.deadlineMs = opts.deadlineMs ?? STORE_DEADLINE_MS;
    this.replicas = new ReplicaWait(redis, keys.events, opts.replicaWaitMs ?? 1000, opts.relearnMs ?? REPLICAS_RELEARN_MS);
  }

  private readonly deadlineMs: number;

  store(push: InboundPush, receivedAtMs = Date.now()): Promise<StoreResult> {
    return new Promise<StoreResult>((resolve, reject) => {
      if (this.waiting.length === 0) this.waitingDeadline = this.deadline(this.waiting);
      this.waiting.push({ seenKey: this.keys.eventSeen(hash('sha256', push.id, 'hex')), push, receivedAtMs, resolve, reject });
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

  /**
   * Fails whoever of `batch` is still waiting when the deadline comes (a settled promise ignores it).
   * A batch not yet sent (held behind one stuck in flight) is dropped from the queue as well: the
   * pushes that come next start a batch of their own, with a deadline of their own.
   */
  private deadline(batch: Waiting[]): NodeJS.Timeout {
    return setTimeout(() => {
      if (this.waiting === batch) {
        this.waiting = [];
        this.waitingDeadline = undefined;
      }
      const late = new StoreDeadlineExceeded(`store took over ${this.deadlineMs} ms`);
      for (const w of batch) w.reject(late);
    }, this.deadlineMs);
  }

  /** Closes the inbox's own connection (the one that waits for a replica), if it made one. */
  close(): void {
    this.replicas.close();
  }

  /**
   * Sends what is waiting; a full batch goes at once, the rest when the turn's immediate runs. Where
   * each batch waits for a replica, a batch goes only when the one before is answered (or when it is
   * full): that connection is blocked by each WAIT until a replica confirms, so a batch sent behind
   * another gains nothing and costs a script call, a WAIT and a replica round trip of its own. What
   * arrives meanwhile joins the next batch instead. Measured with WORKERS=2 (32 connections each):
   * pipelining every turn's batch there made batches small and the writes to Redis many.
   */
  private flush(): void {
    const batch = this.waiting;
    if (batch.length === 0) return;
    if (this.inFlight > 0 && batch.length < MAX_BATCH && this.replicas.waits) return; // sent when the batch in flight is answered
    const deadline = this.waitingDeadline;
    this.waiting = [];
    this.waitingDeadline = undefined;
    this.inFlight++;
    this.write(batch)
      .then(
        (results) => batch.forEach((w, i) => w.resolve(results[i]!)),
        (e: Error) => batch.forEach((w) => w.reject(e)),
      )
      .finally(() => {
        clearTimeout(deadline);
        this.inFlight--;
        if (this.inFlight === 0 && this.replicas.waits) this.flush();
      });
  }

  private async write(batch: Waiting[]): Promise<StoreResult[]> {
    const keys = [this.keys.events, this.keys.eventsUnparsed];
    for (const w of batch) keys.push(w.seenKey);
    const args: (string | number)[] = [DEDUP_TTL_SECONDS, batch.length];
    for (const w of batch) {
      const { push } = w;
      let link = '';
      if (push.link) {
        keys.push(push.link.key);
        link = String(keys.length);
      }
      args.push(push.type, push.id, w.receivedAtMs, JSON.stringify(push.payload), push.unparsed ?? '', link, push.link?.value ?? '');
    }
    const flat = (await this.replicas.run(STORE_ONCE, keys, args)) as Array<number | string>;
    return batch.map((_, i) => {
      const entry = String(flat[2 * i + 1]);
      return flat[2 * i] === 1 ? { stored: true, entryId: entry } : { stored: false, duplicateOf: entry };
    });
  }
}

/**
 * Runs the inbox's script, and where the master holding `events` has replicas waits for one (WAIT 1)
 * before the batch counts as stored: Redis replicates asynchronously, so without it a write
 * acknowledged just before its master dies can be lost in the failover.
 *
 * The WAIT is pipelined behind the script on a connection of the inbox's own to that master (WAIT
 * covers the writes of the connection it is sent on, and blocks that connection until it is answered):
 * the shared connection, which every other command of the process uses, never waits for a replica.
 * Without replicas (a lone Redis, a cluster shard without one) the script goes through the shared
 * client, auto-pipelined, and nothing waits. The replica count and, on a cluster, which node is the
 * master are learned again every `relearnMs` and after a failed write, so a failover or a replica added
 * or lost is followed without a restart.
 */
class ReplicaWait {
  private learned: { at: number; address: string; replicas: number } | undefined;
  private learning: Promise<void> | undefined;
  private slot: number | undefined;
  private conn: { address: string; redis: Redis; ready: Promise<void> } | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly eventsKey: string,
    private readonly timeoutMs: number,
    private readonly relearnMs: number,
  ) {
    redis.once('end', this.closeConnection);
  }

  async run(script: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    if (!this.learned) await this.relearn();
    else if (Date.now() - this.learned.at > this.relearnMs) void this.relearn().catch(() => undefined);
    const learned = this.learned!;
    if (learned.replicas === 0) return runScript(this.redis, script, keys, args);
    try {
      return await this.runAndWait(learned.address, script, keys, args);
    } catch (e) {
      // A failover, a replica gone: ask again before the next batch.
      this.learned = { ...learned, at: 0 };
      throw e;
    }
  }

  /** Whether, as last learned, the master holding `events` has a replica to wait for. */
  get waits(): boolean {
    return (this.learned?.replicas ?? 0) > 0;
  }

  /** Closes the inbox's own connection and stops following the shared client's end. */
  close(): void {
    this.closeConnection();
    this.redis.off('end', this.closeConnection);
  }

  private readonly closeConnection = (): void => {
    this.conn?.redis.disconnect();
    this.conn = undefined;
  };

  private async runAndWait(address: string, script: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const node = await this.connectionTo(address);
    const once = async (withText: boolean) => {
      const pipeline = node.pipeline();
      if (withText) pipeline.eval(script.source, keys.length, ...keys, ...args);
      else pipeline.evalsha(script.sha, keys.length, ...keys, ...args);
      pipeline.wait(1, this.timeoutMs);
      const [ran, waited] = (await pipeline.exec())!;
      return [ran!, waited!] as const;
    };
    const started = performance.now();
    let [[scriptError, result], [waitError, confirmed]] = await once(false);
    if (scriptError?.message.startsWith('NOSCRIPT')) [[scriptError, result], [waitError, confirmed]] = await once(true);
    observeScript(script.name, (performance.now() - started) / 1000);
    if (scriptError) {
      if (scriptError.message.startsWith('MOVED') && this.redis instanceof Cluster) this.redis.refreshSlotsCache();
      throw scriptError;
    }
    if (waitError) throw waitError;
    if (Number(confirmed) < 1) throw new Error(`no replica confirmed the write within ${this.timeoutMs} ms`);
    return result;
  }

  /** The master holding `events` now, and how many replicas it has (INFO replication: connected_slaves). */
  private relearn(): Promise<void> {
    this.learning ??= (async () => {
      try {
        const address = await this.masterAddress();
        const info = await this.nodeAt(address).info('replication');
        this.learned = { at: Date.now(), address, replicas: Number(/connected_slaves:(\d+)/.exec(info)?.[1] ?? 0) };
      } finally {
        this.learning = undefined;
      }
    })();
    return this.learning;
  }

  private async masterAddress(): Promise<string> {
    if (!(this.redis instanceof Cluster)) {
      const { host, port } = this.redis.options;
      return `${host}:${port}`;
    }
    this.slot ??= Number(await this.redis.cluster('KEYSLOT', this.eventsKey));
    const address = this.redis.slots[this.slot]?.[0];
    if (!address) throw new Error('no master known for the events slot');
    return address;
  }

  /** The shared client's connection to the node at `address` (for INFO: it blocks nothing). */
  private nodeAt(address: string): RedisClient {
    if (!(this.redis instanceof Cluster)) return this.redis;
    const node = this.redis.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === address);
    if (!node) throw new Error(`no connection to the events' master ${address}`);
    return node;
  }

  /**
   * The inbox's own connection to `address`, made (or remade, after a failover) when first needed: only
   * where there is a replica to wait for. Closed when the shared client ends.
   */
  private async connectionTo(address: string): Promise<Redis> {
    if (this.conn?.address !== address) {
      this.closeConnection();
      const redis =
        this.redis instanceof Cluster
          ? new Redis({ ...this.redis.options.redisOptions, host: address.slice(0, address.lastIndexOf(':')), port: Number(address.slice(address.lastIndexOf(':') + 1)) })
          : this.redis.duplicate();
      // Its errors are the batch's (503, WeChat retries); it reconnects by itself.
      redis.on('error', () => undefined);
      this.conn = { address, redis, ready: redisReady(redis) };
    }
    const conn = this.conn!;
    await conn.ready.catch((e: Error) => {
      if (this.conn === conn) this.closeConnection();
      throw e;
    });
    return conn.redis;
  }
}
