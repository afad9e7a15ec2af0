import { RedisLock } from '../../src/till/lock';
import { testRedis, type TestDb } from '../support/redis';

/** The till's per-code lock on real Redis; two RedisLock instances stand for two BFF processes. */
describe('RedisLock', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await testRedis();
  });
  afterAll(() => db.cleanup());
  const key = (name: string) => `${db.prefix}lock:${name}`;

  it('serialises holders across processes: never two at once', async () => {
    const processes = [new RedisLock(db.redis, { ttlMs: 5000, waitMs: 5000 }), new RedisLock(db.redis, { ttlMs: 5000, waitMs: 5000 })];
    let inside = 0;
    let most = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const lock = await processes[i % 2]!.acquire(key('mutex'));
        expect(lock).not.toBeNull();
        inside++;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 2));
        inside--;
        done++;
        await lock!.release();
      }),
    );
    expect([most, done]).toEqual([1, 24]);
    expect(await db.redis.exists(key('mutex'))).toBe(0);
  });

  it('serves callers of one process in arrival order', async () => {
    const lock = new RedisLock(db.redis, { ttlMs: 5000, waitMs: 5000 });
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 15 }, async (_, i) => {
        const held = await lock.acquire(key('fifo'));
        order.push(i);
        await new Promise((r) => setTimeout(r, 1));
        await held!.release();
      }),
    );
    expect(order).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });

  it('gives up after waitMs, and the line moves on past one who gave up', async () => {
    const lock = new RedisLock(db.redis, { ttlMs: 5000, waitMs: 150 });
    const first = await lock.acquire(key('wait'));
    const started = Date.now();
    expect(await lock.acquire(key('wait'))).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await first!.release();
    const next = await lock.acquire(key('wait'));
    expect(next).not.toBeNull();
    await next!.release();
    // Another process that waits for a lock held in Redis gives up too.
    const holder = await new RedisLock(db.redis, { ttlMs: 5000, waitMs: 100 }).acquire(key('other'));
    expect(await new RedisLock(db.redis, { ttlMs: 5000, waitMs: 100 }).acquire(key('other'))).toBeNull();
    await holder!.release();
  });

  it('a holder whose lock expired can neither extend nor release the next holder’s', async () => {
    const a = new RedisLock(db.redis, { ttlMs: 60, waitMs: 1000 });
    const b = new RedisLock(db.redis, { ttlMs: 5000, waitMs: 1000 });
    const stale = await a.acquire(key('expiry'));
    await new Promise((r) => setTimeout(r, 100));
    const fresh = await b.acquire(key('expiry'));
    expect(fresh).not.toBeNull();
    expect(await stale!.extend()).toBe(false);
    await stale!.release();
    expect(await db.redis.exists(key('expiry'))).toBe(1);
    expect(await fresh!.extend()).toBe(true);
    await fresh!.release();
    expect(await db.redis.exists(key('expiry'))).toBe(0);
  });

  it('a Redis error while asking gives the turn up: the next caller of this process is not stuck behind it', async () => {
    const lock = new RedisLock(db.redis, { ttlMs: 5000, waitMs: 300 });
    const set = db.redis.set.bind(db.redis);
    let fail = true;
    (db.redis as unknown as { set: unknown }).set = (...args: unknown[]) => {
      if (fail) {
        fail = false;
        return Promise.reject(new Error('connection reset'));
      }
      return (set as (...a: unknown[]) => Promise<unknown>)(...args);
    };
    try {
      await expect(lock.acquire(key('error'))).rejects.toThrow('connection reset');
      const next = await lock.acquire(key('error'));
      expect(next).not.toBeNull();
      await next!.release();
    } finally {
      (db.redis as unknown as { set: unknown }).set = set;
    }
  });
});
