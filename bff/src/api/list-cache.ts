import { LRUCache } from 'lru-cache';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';

/** A list as it was answered: its JSON, the user's version it was built at, and when its oldest record was read. */
interface Entry {
  version: string;
  json: string;
  /** ms; Infinity when nothing in it can go stale (empty, or only refunded orders). */
  oldestReadAt: number;
}

/** What building a list gives: its answer, and the read times of the records it shows that can still change. */
export interface BuiltList {
  body: unknown;
  readAts: readonly number[];
}

export interface ListCacheOptions {
  /** The projections' age limit (ms): an entry whose oldest record passed it is rebuilt (and re-read). */
  maxAgeMs: number;
  /** Entries kept per process (a few KB each). */
  max?: number;
  now?: () => number;
}

/**
 * The answers of a user's lists (`/api/cards`, `/api/orders`), kept per process and checked
 * against the user's version in Redis on every request: every projection write bumps the version
 * of each user it touches (`orderWrites`), in the same script, so a change made through any BFF
 * process is never served stale. A hit costs one Redis GET and no parsing; an entry whose oldest
 * record is older than the age limit is rebuilt, which re-reads the stale orders as before.
 */
export class ListCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly opts: ListCacheOptions,
  ) {
    this.entries = new LRUCache({ max: opts.max ?? 5000 });
    this.now = opts.now ?? Date.now;
  }

  /** The list's JSON for this user and query, from the cache when still current, else built. */
  async json(openid: string, list: string, build: () => Promise<BuiltList>): Promise<string> {
    const key = `${openid}\n${list}`;
    // Read before building: a write landing meanwhile bumps the version past it, so the entry is rebuilt next time.
    const version = (await this.redis.get(this.keys.projUserVersion(openid))) ?? '0';
    const hit = this.entries.get(key);
    if (hit && hit.version === version && this.now() - hit.oldestReadAt <= this.opts.maxAgeMs) return hit.json;
    const built = await build();
    const json = JSON.stringify(built.body);
    this.entries.set(key, { version, json, oldestReadAt: built.readAts.length ? Math.min(...built.readAts) : Infinity });
    return json;
  }
}
