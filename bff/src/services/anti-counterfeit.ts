import type { AntiFakeCodeResult } from '@giftcard/shared';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';

/** What the `scan_product_callback` reply tells the user (spec 000 "Component Messages"). */
export type CodeResult = AntiFakeCodeResult;
export const CODE_RESULTS: readonly CodeResult[] = ['real', 'fake', 'not_active'];

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
    return result === 'real' || result === 'fake' ? result : 'not_active';
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
