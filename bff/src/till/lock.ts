import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../redis/connect';
import { nameScript } from '../redis/scripts';
import { sleep } from '../util/sleep';

// Deletes / extends the lock only while it still holds this holder's token: a holder whose lock
// expired never releases or prolongs the next holder's.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
nameScript('till_lock_release', RELEASE);
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
nameScript('till_lock_extend', EXTEND);

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
 * A Redis lock per name (SET NX PX with a random token), shared by every BFF process. Within a
 * process, callers for one name queue in arrival order and only the head asks Redis, so a hot card
 * is served first come, first served instead of by whoever polls luckiest; the processes among
 * themselves poll with a short, jittered backoff (a till's change holds the lock for a few WeChat
 * round trips).
 */
export class RedisLock {
  /** Per name: settles when the last local caller in line is done with the lock. */
  private readonly lines = new Map<string, Promise<void>>();

  constructor(
    private readonly redis: RedisClient,
    private readonly opts: LockOptions,
  ) {}

  /** The lock, or null when it stayed held by others for `waitMs`. */
  async acquire(key: string): Promise<HeldLock | null> {
    const deadline = Date.now() + this.opts.waitMs;
    const ahead = this.lines.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    // Whoever comes next waits for this caller too, even if it gives up before its turn.
    const line = ahead.then(() => mine);
    this.lines.set(key, line);
    const leave = () => {
      done();
      if (this.lines.get(key) === line) this.lines.delete(key);
    };
    if (!(await settlesBefore(ahead, deadline))) {
      // Our turn would come too late: pass it on when it comes.
      void ahead.then(leave);
      return null;
    }
    const token = randomBytes(16).toString('hex');
    try {
      for (let delay = 2; ; delay = Math.min(delay * 2, 20)) {
        if ((await this.redis.set(key, token, 'PX', this.opts.ttlMs, 'NX')) === 'OK') return this.held(key, token, leave);
        if (Date.now() >= deadline) {
          leave();
          return null;
        }
        await sleep(delay / 2 + Math.random() * delay);
      }
    } catch (e) {
      // Redis failed us: give the turn up, or every later caller of this process would wait behind us.
      leave();
      throw e;
    }
  }

  private held(key: string, token: string, leave: () => void): HeldLock {
    return {
      extend: async () => Number(await this.redis.eval(EXTEND, 1, key, token, String(this.opts.ttlMs))) === 1,
      release: async () => {
        try {
          await this.redis.eval(RELEASE, 1, key, token);
        } finally {
          leave();
        }
      },
    };
  }
}

/** Whether `p` settles before the deadline (ms since the epoch); no timer is left behind. */
async function settlesBefore(p: Promise<void>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))));
  try {
    return await Promise.race([p.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}
