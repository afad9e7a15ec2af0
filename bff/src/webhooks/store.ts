import type { RedisClient } from '../redis/connect';
import { nameScript } from '../redis/scripts';
import type { RedisKeys } from '../redis/keys';

/**
 * One delivery's state, kept in Redis (`webhooks:deliveries`, by event id) from the moment the
 * `webhooks` group read its entry until a 2xx; a dead one stays for the failed list and replay.
 */
export interface DeliveryState {
  /** The event's de-duplication key: `Giftcard-Event-Id`, and the key of replay. */
  id: string;
  entry_id: string;
  type: string;
  /** The raw JSON body every attempt sends (signed with that attempt's timestamp). */
  body: string;
  attempts: number;
  /** When it was scheduled (or replayed), ms: the give-up window runs from here. */
  first_at: number;
  last_error: string | null;
  last_attempt_at: number | null;
}

/** `GET /admin/webhooks/failed` items (CONTRACT.md "Merchant webhooks"). */
export interface FailedDelivery {
  id: string;
  type: string;
  attempts: number;
  last_error: string | null;
  /** ms since the epoch. */
  last_attempt_at: number | null;
}

// Each script touches only the three webhook keys, all under the prefix: one slot on a cluster
// when the prefix has a hash tag. KEYS[1] deliveries (hash), KEYS[2] due (zset), KEYS[3] dead (zset).

// ARGV[1] now, then id, state per delivery. A delivery already known (pending or dead) is left as it is.
const SCHEDULE = `
local n = 0
for i = 2, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('ZADD', KEYS[2], ARGV[1], ARGV[i])
    n = n + 1
  end
end
return n
`;
nameScript('webhooks_schedule', SCHEDULE);

// Takes up to ARGV[3] deliveries due by ARGV[1], leasing each until ARGV[2] (its due time moves
// there: if this process dies mid-attempt, another takes it once the lease is over). Returns the
// earliest due time left ('' = none), then id, state pairs. Atomic, so two processes never take the
// same due delivery.
const CLAIM = `
local ids = redis.call('ZRANGE', KEYS[2], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[3]))
local out = {''}
for _, id in ipairs(ids) do
  local state = redis.call('HGET', KEYS[1], id)
  if state then
    redis.call('ZADD', KEYS[2], ARGV[2], id)
    out[#out + 1] = id
    out[#out + 1] = state
  else
    redis.call('ZREM', KEYS[2], id)
  end
end
local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if #first == 2 then out[1] = first[2] end
return out
`;
nameScript('webhooks_claim', CLAIM);

// Delivered: forgotten. ARGV: the ids.
const DONE = `
redis.call('ZREM', KEYS[2], unpack(ARGV))
redis.call('ZREM', KEYS[3], unpack(ARGV))
return redis.call('HDEL', KEYS[1], unpack(ARGV))
`;
nameScript('webhooks_done', DONE);

// A failed attempt: ARGV[1] id, ARGV[2] state, ARGV[3] next due time ('' = dead), ARGV[4] now.
// Nothing is written for a delivery another process has meanwhile delivered.
const FAILED = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
else
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
end
return 1
`;
nameScript('webhooks_failed', FAILED);

// Replay: each dead id (ARGV[2..]) becomes due now with a new give-up window. ARGV[1] now.
const REPLAY = `
local n = 0
for i = 2, #ARGV do
  if redis.call('ZREM', KEYS[3], ARGV[i]) == 1 then
    local raw = redis.call('HGET', KEYS[1], ARGV[i])
    if raw then
      local state = cjson.decode(raw)
      state['first_at'] = tonumber(ARGV[1])
      redis.call('HSET', KEYS[1], ARGV[i], cjson.encode(state))
      redis.call('ZADD', KEYS[2], ARGV[1], ARGV[i])
      n = n + 1
    end
  end
end
return n
`;
nameScript('webhooks_replay', REPLAY);

/** Ids replayed per script call, so replaying thousands never blocks Redis for long. */
const REPLAY_PAGE = 500;

/**
 * The webhooks' schedule in Redis, shared by every BFF process: nothing per pending delivery lives
 * in a process, so a merchant endpoint that is down for a day costs Redis memory, not the BFF's.
 */
export class WebhookStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  private get threeKeys(): [string, string, string] {
    return [this.keys.webhookDeliveries, this.keys.webhookDue, this.keys.webhookDead];
  }

  /** Schedules new deliveries, due now; returns how many were new. */
  async schedule(states: DeliveryState[], now = Date.now()): Promise<number> {
    if (states.length === 0) return 0;
    return Number(await this.redis.eval(SCHEDULE, 3, ...this.threeKeys, String(now), ...states.flatMap((s) => [s.id, JSON.stringify(s)])));
  }

  /**
   * Takes up to `count` due deliveries, each leased to the caller until `leaseUntil`; says when the
   * next delivery left in the schedule is due (ms; undefined: none).
   */
  async claim(now: number, leaseUntil: number, count: number): Promise<{ claimed: DeliveryState[]; nextDueAt: number | undefined }> {
    const flat = (await this.redis.eval(CLAIM, 3, ...this.threeKeys, String(now), String(leaseUntil), String(count))) as string[];
    const claimed: DeliveryState[] = [];
    for (let i = 1; i + 1 < flat.length; i += 2) claimed.push(JSON.parse(flat[i + 1]!) as DeliveryState);
    return { claimed, nextDueAt: flat[0] === '' || flat[0] === undefined ? undefined : Number(flat[0]) };
  }

  /** Forgets delivered deliveries (at most a few hundred ids a call: Lua's unpack has a limit). */
  async delivered(ids: string[]): Promise<void> {
    if (ids.length) await this.redis.eval(DONE, 3, ...this.threeKeys, ...ids);
  }

  /** Records a failed attempt: due again at `nextAt`, or dead (`undefined`). */
  async failed(state: DeliveryState, nextAt: number | undefined, now = Date.now()): Promise<void> {
    await this.redis.eval(FAILED, 3, ...this.threeKeys, state.id, JSON.stringify(state), nextAt === undefined ? "" : String(nextAt), String(now));
  }

  /** The dead deliveries, oldest death first (at most `limit`). */
  async listFailed(limit = 1000): Promise<FailedDelivery[]> {
    const ids = await this.redis.zrange(this.keys.webhookDead, '0', String(limit - 1));
    if (ids.length === 0) return [];
    const raw = await this.redis.hmget(this.keys.webhookDeliveries, ...ids);
    return raw.flatMap((r) => {
      if (!r) return [];
      const s = JSON.parse(r) as DeliveryState;
      return [{ id: s.id, type: s.type, attempts: s.attempts, last_error: s.last_error, last_attempt_at: s.last_attempt_at }];
    });
  }

  /** Makes dead deliveries due now (by id, or all); returns how many were dead and are pending again. */
  async replay(which: { ids: string[] } | { all: true }, now = Date.now()): Promise<number> {
    let replayed = 0;
    if ('ids' in which) {
      for (let i = 0; i < which.ids.length; i += REPLAY_PAGE) {
        replayed += Number(await this.redis.eval(REPLAY, 3, ...this.threeKeys, String(now), ...which.ids.slice(i, i + REPLAY_PAGE)));
      }
      return replayed;
    }
    // Page by page from the start: each page leaves the dead set, so the next page is again at 0.
    for (;;) {
      const ids = await this.redis.zrange(this.keys.webhookDead, '0', String(REPLAY_PAGE - 1));
      if (ids.length === 0) return replayed;
      replayed += Number(await this.redis.eval(REPLAY, 3, ...this.threeKeys, String(now), ...ids));
    }
  }
}
