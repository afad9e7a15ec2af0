import type { AntiFakeCodeResult } from '@giftcard/shared';
import type { RedisClient } from '../redis/connect';
import { nameScript } from '../redis/scripts';
import type { RedisKeys } from '../redis/keys';

/** What the `scan_product_callback` reply tells the user (spec 000 "Component Messages"). */
export type CodeResult = AntiFakeCodeResult;
export const CODE_RESULTS: readonly CodeResult[] = ['real', 'fake', 'not_active'];

/** How often a code was queried on the product page (one count per scan), and since when. */
export interface CodeQueries {
  result: CodeResult;
  count: number;
  /** Unix seconds of the first query. */
  first_at: number;
}

/** Counts a scan's query of a known code (HINCRBY) and keeps the first time (HSETNX), atomically. */
const RECORD_QUERY = `
local r = redis.call('HGET', KEYS[1], ARGV[1])
if not r then return false end
local n = redis.call('HINCRBY', KEYS[2], 'n:' .. ARGV[1], 1)
redis.call('HSETNX', KEYS[2], 't:' .. ARGV[1], ARGV[2])
return {r, n, redis.call('HGET', KEYS[2], 't:' .. ARGV[1])}
`;
nameScript('anticounterfeit_record_query', RECORD_QUERY);

export interface CodeEntry {
  /** The per-item code printed in the product QR code (WeChat's `ExtInfo`). */
  extinfo: string;
  result: CodeResult;
}

/**
 * The merchant's anti-counterfeit code registry: per product (keystandard + keystr), extinfo →
 * result, in one Redis hash so a lookup is a single HGET on the callback's hot path. An unknown
 * code is `not_active`.
 */
export class AntiCounterfeitRegistry {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async lookup(keystandard: string, keystr: string, extinfo: string): Promise<CodeResult> {
    const result = await this.redis.hget(this.keys.antiCounterfeit(keystandard, keystr), extinfo);
    return asResult(result);
  }

  /**
   * A scan's query of the code on the product landing page: counted (once per scan: the caller
   * counts a wxticket's first use only) when the registry knows the code; null when it does not.
   * The counts live beside the registry (same hash tag on a cluster) in `<registry key>:queries`.
   */
  async recordQuery(keystandard: string, keystr: string, extinfo: string, nowSeconds: number): Promise<CodeQueries | null> {
    const key = this.keys.antiCounterfeit(keystandard, keystr);
    const r = (await this.redis.eval(RECORD_QUERY, 2, key, `${key}:queries`, extinfo, String(nowSeconds))) as [string, number, string] | null;
    return r ? { result: asResult(r[0]), count: Number(r[1]), first_at: Number(r[2]) } : null;
  }

  /** The code's queries so far, without counting one; null when the registry does not know the code. */
  async queries(keystandard: string, keystr: string, extinfo: string): Promise<CodeQueries | null> {
    const key = this.keys.antiCounterfeit(keystandard, keystr);
    const [result, n, t] = await Promise.all([this.redis.hget(key, extinfo), this.redis.hget(`${key}:queries`, `n:${extinfo}`), this.redis.hget(`${key}:queries`, `t:${extinfo}`)]);
    if (result === null) return null;
    return { result: asResult(result), count: Number(n ?? 0), first_at: Number(t ?? 0) };
  }

  /** Adds or replaces codes, in chunks so a large import never builds one huge command. */
  async import(keystandard: string, keystr: string, codes: CodeEntry[]): Promise<number> {
    const key = this.keys.antiCounterfeit(keystandard, keystr);
    for (let i = 0; i < codes.length; i += 1000) {
      const chunk = codes.slice(i, i + 1000).flatMap((c) => [c.extinfo, c.result]);
      await this.redis.hset(key, ...chunk);
    }
    return codes.length;
  }

  /** The results of the given codes (unknown ones `not_active`). */
  async query(keystandard: string, keystr: string, extinfos: string[]): Promise<CodeEntry[]> {
    if (extinfos.length === 0) return [];
    const results = await this.redis.hmget(this.keys.antiCounterfeit(keystandard, keystr), ...extinfos);
    return extinfos.map((extinfo, i) => ({ extinfo, result: (results[i] as CodeResult | null) ?? 'not_active' }));
  }

  async count(keystandard: string, keystr: string): Promise<number> {
    return this.redis.hlen(this.keys.antiCounterfeit(keystandard, keystr));
  }

  async remove(keystandard: string, keystr: string, extinfos: string[]): Promise<number> {
    if (extinfos.length === 0) return 0;
    return this.redis.hdel(this.keys.antiCounterfeit(keystandard, keystr), ...extinfos);
  }
}

function asResult(stored: string | null): CodeResult {
  return stored === 'real' || stored === 'fake' ? stored : 'not_active';
}
