import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../redis/connect';
import { sleep } from '../util/sleep';

// Deletes / extends the lock only while it still holds this holder's token: a holder whose lock
// expired never releases or prolongs the next holder's.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

export interface LockOptions {
  /** How long a lock lives if its holder dies (ms). Longer than everything done under it. */
  ttlMs: number;
  /** How long to wait for a held lock before giving up (ms). */
  waitMs: number;
}

export interface HeldLock {
  /** Re-arms the lock's full TTL; false when it was lost (expired and maybe taken by another). */
  extend(): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * A Redis lock per name (SET NX PX with a random token), shared by every BFF process. Waiters poll
 * with a short, jittered backoff: a till's debit holds it for a few WeChat round trips, so a queue
 * of tills on one hot card moves in milliseconds without a notification channel.
 */
export class RedisLock {
  constructor(
    private readonly redis: RedisClient,
    private readonly opts: LockOptions,
  ) {}

  /** The lock, or null when it stayed held by others for `waitMs`. */
  async acquire(key: string): Promise<HeldLock | null> {
    const token = randomBytes(16).toString('hex');
    const deadline = Date.now() + this.opts.waitMs;
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      if ((await this.redis.set(key, token, 'PX', this.opts.ttlMs, 'NX')) === 'OK') return this.held(key, token);
      if (Date.now() >= deadline) return null;
      await sleep(delay / 2 + Math.random() * delay);
    }
  }

  private held(key: string, token: string): HeldLock {
    return {
      extend: async () => Number(await this.redis.eval(EXTEND, 1, key, token, String(this.opts.ttlMs))) === 1,
      release: async () => {
        await this.redis.eval(RELEASE, 1, key, token);
      },
    };
  }
}
