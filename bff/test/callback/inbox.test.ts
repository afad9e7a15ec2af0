import { createServer, type Server, type Socket } from 'node:net';
import Redis from 'ioredis';
import { DEDUP_TTL_SECONDS, EventInbox, MAX_BATCH, StoreDeadlineExceeded } from '../../src/callback/inbox';
import { testRedis } from '../support/redis';

describe('event inbox (de-duplicated, atomic store)', () => {
  let db: Awaited<ReturnType<typeof testRedis>>;
  let inbox: EventInbox;
  beforeEach(async () => {
    db = await testRedis();
    inbox = new EventInbox(db.redis, db.keys);
  });
  afterEach(() => db.cleanup());

  const push = (n: number) => ({
    type: 'giftcard_pay_done',
    id: `oUser|1447848568|giftcard_pay_done|Order${n}`,
    payload: { ToUserName: 'gh_x', FromUserName: 'oUser', CreateTime: 1447848568, MsgType: 'event', Event: 'giftcard_pay_done', OrderId: `Order${n}` },
  });

  it('stores a push once with the contract fields; a retry adds nothing and names the stored entry', async () => {
    const first = await inbox.store(push(1), 1700000000123);
    expect(first.stored).toBe(true);
    const again = await inbox.store(push(1));
    expect(again).toEqual({ stored: false, duplicateOf: first.stored ? first.entryId : '' });
    const entries = await db.redis.xrange(db.keys.events, '-', '+');
    expect(entries).toHaveLength(1);
    const [, fields] = entries[0]!;
    const record = Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]));
    expect(record).toEqual({ type: 'giftcard_pay_done', id: push(1).id, received_at: '1700000000123', payload: JSON.stringify(push(1).payload) });
    const seenKeys = await db.redis.keys(`${db.prefix}events:seen:*`);
    expect(seenKeys).toHaveLength(1);
    expect(await db.redis.ttl(seenKeys[0]!)).toBeGreaterThan(DEDUP_TTL_SECONDS - 5);
  });

  it('1,000 distinct pushes, each delivered 3 times concurrently: exactly 1,000 entries', async () => {
    const deliveries = Array.from({ length: 3000 }, (_, i) => push(i % 1000));
    const results = await Promise.all(deliveries.map((p) => inbox.store(p)));
    expect(results.filter((r) => r.stored)).toHaveLength(1000);
    expect(await db.redis.xlen(db.keys.events)).toBe(1000);
  });

  it('closed, leaves nothing behind on the shared client (an inbox made per use does not pile up listeners)', async () => {
    const before = db.redis.listenerCount('end');
    for (let i = 0; i < 20; i++) {
      const once = new EventInbox(db.redis, db.keys);
      await once.store(push(i));
      once.close();
    }
    expect(db.redis.listenerCount('end')).toBe(before);
  });

  it('keeps two different pushes of the same user in the same second', async () => {
    await inbox.store(push(1));
    await inbox.store(push(2));
    expect(await db.redis.xlen(db.keys.events)).toBe(2);
  });

  it('stores the pushes of one event-loop turn with one script call each MAX_BATCH, each learning its own outcome', async () => {
    const calls: number[] = [];
    const redis = db.redis as import('ioredis').Redis;
    const evalsha = redis.evalsha.bind(redis);
    // A spy on the real client: every call still goes to Redis.
    redis.evalsha = ((...args: Parameters<typeof evalsha>) => {
      calls.push(Number(args[1]) - 2); // pushes in this call: its keys less the two streams
      return evalsha(...args);
    }) as typeof redis.evalsha;
    try {
      const first = await inbox.store(push(0));
      expect(calls).toEqual([1]); // alone in its turn: a batch of one, no waiting for company
      calls.length = 0;
      // 150 pushes in one turn, push(0) again among them: three calls of at most MAX_BATCH.
      const results = await Promise.all([...Array.from({ length: 149 }, (_, i) => inbox.store(push(i + 1))), inbox.store(push(0))]);
      expect(calls).toEqual([MAX_BATCH, MAX_BATCH, 150 - 2 * MAX_BATCH]);
      expect(results.slice(0, 149).every((r) => r.stored)).toBe(true);
      expect(results[149]).toEqual({ stored: false, duplicateOf: first.stored ? first.entryId : '' });
      expect(new Set(results.slice(0, 149).map((r) => (r.stored ? r.entryId : ''))).size).toBe(149);
      expect(await db.redis.xlen(db.keys.events)).toBe(150);
    } finally {
      redis.evalsha = evalsha;
    }
  });

  it('fails every caller of a batch that Redis refuses, and a retry stores each push once', async () => {
    const redis = db.redis as import('ioredis').Redis;
    const evalsha = redis.evalsha.bind(redis);
    redis.evalsha = (() => Promise.reject(new Error('Connection is closed.'))) as unknown as typeof redis.evalsha;
    let failed: PromiseSettledResult<unknown>[];
    try {
      failed = await Promise.allSettled([inbox.store(push(1)), inbox.store(push(2))]);
    } finally {
      redis.evalsha = evalsha;
    }
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const retried = await Promise.all([inbox.store(push(1)), inbox.store(push(2)), inbox.store(push(1))]);
    expect(retried.map((r) => r.stored)).toEqual([true, true, false]);
    expect(await db.redis.xlen(db.keys.events)).toBe(2);
  });

  describe('a Redis that never answers (a server that accepts connections and says nothing)', () => {
    let silent: Server;
    const sockets: Socket[] = [];
    let client: Redis;
    beforeEach(async () => {
      silent = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      client = new Redis({ host: '127.0.0.1', port: (silent.address() as { port: number }).port, maxRetriesPerRequest: null });
      client.on('error', () => undefined);
    });
    afterEach(async () => {
      client.disconnect();
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => silent.close(resolve));
    });

    it('fails every push of a batch at the deadline its first push started, and a later batch gets its own', async () => {
      const slow = new EventInbox(client, db.keys, { deadlineMs: 200 });
      try {
        const started = Date.now();
        const first = await Promise.allSettled([slow.store(push(1)), slow.store(push(2)), slow.store(push(3))]);
        const firstTook = Date.now() - started;
        expect(first.every((r) => r.status === 'rejected' && r.reason instanceof StoreDeadlineExceeded)).toBe(true);
        expect(firstTook).toBeGreaterThanOrEqual(190);
        expect(firstTook).toBeLessThan(2000);
        const again = Date.now();
        await expect(slow.store(push(4))).rejects.toBeInstanceOf(StoreDeadlineExceeded);
        expect(Date.now() - again).toBeGreaterThanOrEqual(190);
      } finally {
        slow.close();
      }
    });
  });
});
