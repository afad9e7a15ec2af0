import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';

/** WeChat retries for up to 24 hours (spec 002 §10): remember a push for 25. */
export const DEDUP_TTL_SECONDS = 25 * 3600;

export interface InboundPush {
  /** `Event`, or `MsgType` when there is no Event. */
  type: string;
  /** The de-duplication key: FromUserName, CreateTime, Event and the event's own ids. */
  id: string;
  /** The message with WeChat's field names; CreateTime a number. */
  payload: Record<string, unknown>;
}

export type StoreResult = { stored: true; entryId: string } | { stored: false; duplicateOf: string };

// Atomic: look, append, remember. EXISTS before XADD so a failed XADD writes nothing; the seen-key
// (holding the entry id) is set last, so a retry after any failure finds nothing and stores again.
// KEYS[1] seen-key, KEYS[2] stream; ARGV ttl, type, id, received_at, payload.
const STORE_ONCE = `
local prev = redis.call('GET', KEYS[1])
if prev then return {0, prev} end
local entry = redis.call('XADD', KEYS[2], '*', 'type', ARGV[2], 'id', ARGV[3], 'received_at', ARGV[4], 'payload', ARGV[5])
redis.call('SET', KEYS[1], entry, 'EX', tonumber(ARGV[1]))
return {1, entry}
`;

/**
 * Stores each push exactly once in the `events` stream. A retry of a stored push adds nothing and
 * learns the entry it duplicates. In Redis Cluster both keys must share a slot: give REDIS_PREFIX a
 * hash tag, e.g. `{gc}:`.
 */
const STORE_ONCE_SHA = createHash('sha1').update(STORE_ONCE).digest('hex');

export class EventInbox {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async store(push: InboundPush, receivedAtMs = Date.now()): Promise<StoreResult> {
    const seen = this.keys.eventSeen(createHash('sha256').update(push.id).digest('hex'));
    const args = [seen, this.keys.events, DEDUP_TTL_SECONDS, push.type, push.id, receivedAtMs, JSON.stringify(push.payload)] as const;
    // EVALSHA on the hot path: the script text travels only when Redis does not know it yet.
    const [stored, entry] = (await this.redis.evalsha(STORE_ONCE_SHA, 2, ...args).catch((e: Error) => {
      if (!e.message.startsWith('NOSCRIPT')) throw e;
      return this.redis.eval(STORE_ONCE, 2, ...args);
    })) as [number, string];
    return stored === 1 ? { stored: true, entryId: entry } : { stored: false, duplicateOf: entry };
  }
}
