import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/connect';
import { nameScript } from '../redis/scripts';
import type { RedisKeys } from '../redis/keys';
import { WechatError } from './error';
import { sleep } from '../util/sleep';

export interface IssuedToken {
  token: string;
  /** Seconds the token stays valid, as WeChat says. */
  expiresIn: number;
}

export interface AccessTokenOptions {
  redis: RedisClient;
  keys: RedisKeys;
  appid: string;
  /** Asks WeChat for a token. Called by at most one process at a time. */
  issue: () => Promise<IssuedToken>;
  /** Refresh this long before WeChat's expiry, so no call carries a token about to die. */
  refreshMarginSeconds?: number;
  /** How long the refresh lock is held at most, should its holder die mid-refresh. */
  lockTtlMs?: number;
  /** How long a caller waits for another process's refresh before giving up. */
  waitTimeoutMs?: number;
}

// Deletes KEYS[1] only if it still holds ARGV[1]: releases our lock, or drops the token that failed
// without dropping a newer one another process stored meanwhile.
const DELETE_IF_EQUALS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
nameScript('token_lock_delete_if_equals', DELETE_IF_EQUALS);

/**
 * The Service Account's access token, shared by every BFF process through Redis.
 * - In-process single flight: concurrent callers of one process share one load.
 * - Across processes: a Redis lock (SET NX PX); the holder re-checks Redis once the lock is held,
 *   so a process that waited behind another's refresh never fetches a second token.
 * - `invalidate(token)` expires the stored token only if it is still the one that failed.
 * The token is a Redis value, never part of a key, and is never logged.
 */
export class AccessTokenManager {
  private memo: { token: string; validUntil: number } | undefined;
  private loading: Promise<string> | undefined;
  private readonly margin: number;
  private readonly lockTtlMs: number;
  private readonly waitTimeoutMs: number;

  constructor(private readonly opts: AccessTokenOptions) {
    this.margin = opts.refreshMarginSeconds ?? 300;
    this.lockTtlMs = opts.lockTtlMs ?? 10_000;
    this.waitTimeoutMs = opts.waitTimeoutMs ?? 8_000;
  }

  async get(): Promise<string> {
    if (this.memo && this.memo.validUntil > Date.now()) return this.memo.token;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** WeChat refused `token` (40001/40014/42001): forget it here and in Redis, if still current. */
  async invalidate(token: string): Promise<void> {
    if (this.memo?.token === token) this.memo = undefined;
    await this.opts.redis.eval(DELETE_IF_EQUALS, 1, this.tokenKey, token);
  }

  private get tokenKey() {
    return this.opts.keys.accessToken(this.opts.appid);
  }

  private async load(): Promise<string> {
    const deadline = Date.now() + this.waitTimeoutMs;
    const lockKey = this.opts.keys.accessTokenLock(this.opts.appid);
    for (let attempt = 0; ; attempt++) {
      const stored = await this.readStored();
      if (stored) return stored;
      const lockId = randomUUID();
      if (await this.opts.redis.set(lockKey, lockId, 'PX', this.lockTtlMs, 'NX')) {
        try {
          return (await this.readStored()) ?? (await this.refresh());
        } finally {
          await this.opts.redis.eval(DELETE_IF_EQUALS, 1, lockKey, lockId);
        }
      }
      if (Date.now() >= deadline) {
        throw new WechatError('timeout', 'access_token', null, 'another process holds the token refresh lock for too long');
      }
      // Another process is refreshing: poll with a short, jittered, growing delay.
      await sleep(Math.min(20 * 2 ** attempt, 250) * (0.5 + Math.random()));
    }
  }

  private async refresh(): Promise<string> {
    const issued = await this.opts.issue();
    const ttl = Math.max(1, issued.expiresIn - this.margin);
    await this.opts.redis.set(this.tokenKey, issued.token, 'EX', ttl);
    return this.remember(issued.token, ttl * 1000);
  }

  private async readStored(): Promise<string | undefined> {
    const [[, token], [, pttl]] = (await this.opts.redis.multi().get(this.tokenKey).pttl(this.tokenKey).exec()) as [
      [unknown, string | null],
      [unknown, number],
    ];
    if (!token || pttl <= 0) return undefined;
    return this.remember(token, pttl);
  }

  private remember(token: string, ttlMs: number): string {
    this.memo = { token, validUntil: Date.now() + ttlMs };
    return token;
  }
}
