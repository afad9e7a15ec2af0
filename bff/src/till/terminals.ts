import { createHash, randomBytes } from 'node:crypto';
import type { TerminalInfo } from '@giftcard/shared/api';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';

interface StoredTerminal extends TerminalInfo {
  key_hash: string;
}

/** A key's SHA-256: keys are 32 random bytes, so a plain hash is enough to make a stolen database useless. */
const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

/** Terminal keys look like `gct_<43 base64url characters>`: recognisable in a leak scan, never stored. */
const KEY_PATTERN = /^gct_[A-Za-z0-9_-]{43}$/;

/**
 * The merchant's till terminals (CONTRACT.md "Redemption"): a key is shown once at creation and
 * stored only as its hash; revoking deletes the hash, so the key stops working on the next request.
 */
export class TerminalRegistry {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async create(name: string): Promise<{ terminal: TerminalInfo; key: string }> {
    const id = `term_${randomBytes(9).toString('base64url')}`;
    const key = `gct_${randomBytes(32).toString('base64url')}`;
    const stored: StoredTerminal = { id, name, created_at: this.now(), key_hash: hashKey(key) };
    await this.redis
      .multi()
      .hset(this.keys.tillTerminals, id, JSON.stringify(stored))
      .set(this.keys.tillTerminalKey(stored.key_hash), id)
      .exec();
    return { terminal: publicInfo(stored), key };
  }

  async list(): Promise<TerminalInfo[]> {
    const all = await this.redis.hgetall(this.keys.tillTerminals);
    return Object.values(all)
      .map((v) => publicInfo(JSON.parse(v) as StoredTerminal))
      .sort((a, b) => a.created_at - b.created_at || a.id.localeCompare(b.id));
  }

  /** False when there is no such terminal. */
  async revoke(id: string): Promise<boolean> {
    const json = await this.redis.hget(this.keys.tillTerminals, id);
    if (json === null) return false;
    const stored = JSON.parse(json) as StoredTerminal;
    await this.redis.multi().del(this.keys.tillTerminalKey(stored.key_hash)).hdel(this.keys.tillTerminals, id).exec();
    return true;
  }

  /** The terminal a key opens, or null (unknown, malformed or revoked). */
  async authenticate(key: string): Promise<TerminalInfo | null> {
    if (!KEY_PATTERN.test(key)) return null;
    const id = await this.redis.get(this.keys.tillTerminalKey(hashKey(key)));
    if (id === null) return null;
    const json = await this.redis.hget(this.keys.tillTerminals, id);
    return json === null ? null : publicInfo(JSON.parse(json) as StoredTerminal);
  }
}

function publicInfo(t: StoredTerminal): TerminalInfo {
  return { id: t.id, name: t.name, created_at: t.created_at };
}
