import { execFile } from 'node:child_process';
import type { Redis } from 'ioredis';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EventInbox } from '../../src/callback/inbox';
import { PermanentFailure, StreamConsumer, type StreamConsumerOptions, type StreamEntry } from '../../src/events/consumer';
import { trimAcknowledged } from '../../src/events/trim';
import { createLogger } from '../../src/log';
import { testRedis } from '../support/redis';

type Db = Awaited<ReturnType<typeof testRedis>>;

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A push in the contract's format, stored through the real inbox. */
async function storePush(db: Db, n: number, type = 'giftcard_pay_done'): Promise<string> {
  const payload = { ToUserName: 'gh_x', FromUserName: 'oUser', CreateTime: 1447848568 + n, MsgType: 'event', Event: type, PageId: 'P', OrderId: `Order${n}` };
  const r = await new EventInbox(db.redis, db.keys).store({ type, id: `oUser|${payload.CreateTime}|${type}|Order${n}`, payload });
  if (!r.stored) throw new Error('not stored');
  return r.entryId;
}

function fieldsOf(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

async function pendingCount(db: Db, group: string): Promise<number> {
  const summary = (await db.redis.xpending(db.keys.events, group)) as unknown[];
  return Number(summary[0]);
}

describe('StreamConsumer (consumer groups on <prefix>events)', () => {
  let db: Db;
  let logs: string[];
  const consumers: StreamConsumer[] = [];

  beforeEach(async () => {
    db = await testRedis();
    logs = [];
  });
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await db.cleanup();
  });

  function consumer(opts: Partial<StreamConsumerOptions> & Pick<StreamConsumerOptions, 'handler'>): StreamConsumer {
    const c = new StreamConsumer({
      redis: db.redis,
      keys: db.keys,
      group: 'g1',
      logger: createLogger('debug', (line) => logs.push(line) > 0),
      blockMs: 200,
      claimIdleMs: 150,
      claimEveryMs: 50,
      maxDeliveries: 3,
      ...opts,
    });
    consumers.push(c);
    return c;
  }

  it('creates the group from 0 (with the stream), reads what was stored before, and acknowledges each entry', async () => {
    const seen: StreamEntry[] = [];
    // The group does not exist and neither does the stream: MKSTREAM, from 0.
    const c = consumer({ handler: async (e) => void seen.push(e) });
    await c.start();
    const groups = (await db.redis.xinfo('GROUPS', db.keys.events)) as unknown[][];
    expect(groups).toHaveLength(1);
    expect(fieldsOf(groups[0] as string[]).name).toBe('g1');

    const first = await storePush(db, 1);
    const second = await storePush(db, 2);
    await waitFor(() => seen.length === 2, 5000, 'two entries');
    expect(seen.map((e) => e.entryId)).toEqual([first, second]);
    expect(seen[0]).toMatchObject({ type: 'giftcard_pay_done', id: 'oUser|1447848569|giftcard_pay_done|Order1', deliveries: 1 });
    expect(JSON.parse(seen[0]!.payload)).toMatchObject({ OrderId: 'Order1', CreateTime: 1447848569 });
    expect(seen[0]!.receivedAt).toBeGreaterThan(0);
    await waitFor(async () => (await pendingCount(db, 'g1')) === 0, 2000, 'acks');

    // A second consumer of the same group: the existing group is fine, and entries are shared, not copied.
    const seen2: StreamEntry[] = [];
    const c2 = consumer({ handler: async (e) => void seen2.push(e), consumer: 'second' });
    await c2.start();
    await storePush(db, 3);
    await waitFor(() => seen.length + seen2.length === 3, 5000, 'third entry');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.length + seen2.length).toBe(3);
  });

  /** The XACKs Redis runs on the test's events stream, each with its ids (MONITOR on its own connection; a single node). */
  async function watchAcks(): Promise<{ acks: string[][]; close: () => void }> {
    const acks: string[][] = [];
    const monitor = await (db.redis as Redis).monitor();
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'xack' && args[1] === db.keys.events) acks.push(args.slice(3));
    });
    return { acks, close: () => monitor.disconnect() };
  }

  it('acknowledges what it handled one by one in one XACK per read, leaving a failed entry pending', async () => {
    for (let n = 1; n <= 10; n++) await storePush(db, n);
    const { acks, close } = await watchAcks();
    try {
      const seen: string[] = [];
      const handler = async (e: StreamEntry) => {
        seen.push(e.id);
        if (e.id.endsWith('Order4')) throw new Error('WeChat timed out');
      };
      await consumer({ claimEveryMs: 60_000, handler }).start();
      await waitFor(() => seen.length === 10, 5000, 'ten entries');
      await waitFor(() => acks.length > 0, 2000, 'the acknowledgement');
      await new Promise((r) => setTimeout(r, 100));
      expect(acks).toHaveLength(1);
      expect(acks[0]).toHaveLength(9);
      expect(await pendingCount(db, 'g1')).toBe(1);
    } finally {
      close();
    }
  });

  it('with slow handlers, acknowledges at least every second within a read', async () => {
    for (let n = 1; n <= 3; n++) await storePush(db, n);
    const { acks, close } = await watchAcks();
    try {
      let handled = 0;
      const slow = async () => {
        await new Promise((r) => setTimeout(r, 600));
        handled++;
      };
      await consumer({ claimIdleMs: 60_000, handler: slow }).start();
      await waitFor(() => handled === 3 && acks.length === 2, 5000, 'three handled, two acknowledgements');
      // 600 ms each: the first two past the second together, the third at the end of the read.
      expect(acks.map((ids) => ids.length)).toEqual([2, 1]);
    } finally {
      close();
    }
  });

  it('stopping mid-read finishes and acknowledges the entry in hand and leaves the rest pending for the others', async () => {
    for (let n = 1; n <= 3; n++) await storePush(db, n);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: string[] = [];
    const c = consumer({
      claimIdleMs: 60_000,
      handler: async (e) => {
        seen.push(e.id);
        await gate;
      },
    });
    await c.start();
    await waitFor(() => seen.length === 1, 5000, 'the first entry in hand');
    const stopping = c.stop();
    release();
    await stopping;
    expect(seen).toHaveLength(1);
    expect(await pendingCount(db, 'g1')).toBe(2);
  });

  it('a new group created later starts from 0: it sees what the stream holds', async () => {
    await storePush(db, 1);
    const seen: string[] = [];
    await consumer({ handler: async (e) => void seen.push(e.id), group: 'late' }).start();
    await waitFor(() => seen.length === 1, 5000, 'old entry');
  });

  it('a consumer that died with pending entries: another consumer claims them (XAUTOCLAIM) and handles them', async () => {
    await consumer({ handler: async () => undefined }).start(); // creates the group
    await consumers.pop()!.stop();
    const ids = [await storePush(db, 1), await storePush(db, 2)];
    // The "dead" consumer: read the entries and never acknowledged them.
    await db.redis.xreadgroup('GROUP', 'g1', 'dead-one', 'COUNT', 10, 'STREAMS', db.keys.events, '>');
    expect(await pendingCount(db, 'g1')).toBe(2);

    const seen: StreamEntry[] = [];
    await consumer({ handler: async (e) => void seen.push(e), consumer: 'rescuer' }).start();
    await waitFor(() => seen.length === 2, 5000, 'claimed entries');
    expect(seen.map((e) => e.entryId).sort()).toEqual([...ids].sort());
    expect(seen.every((e) => e.deliveries === 2)).toBe(true);
    await waitFor(async () => (await pendingCount(db, 'g1')) === 0, 2000, 'acks');
    expect(logs.some((l) => l.includes('claimed a pending entry'))).toBe(true);
  });

  it('a failed entry stays pending and is retried after claimIdleMs; success acknowledges it', async () => {
    let calls = 0;
    await consumer({
      handler: async () => {
        calls++;
        if (calls === 1) throw new Error('WeChat timed out');
      },
    }).start();
    await storePush(db, 1);
    await waitFor(() => calls === 1, 5000, 'first try');
    expect(await pendingCount(db, 'g1')).toBe(1);
    await waitFor(() => calls === 2, 5000, 'retry');
    await waitFor(async () => (await pendingCount(db, 'g1')) === 0, 2000, 'ack');
    expect(await db.redis.xlen(db.keys.eventsDead)).toBe(0);
  });

  it('a poison entry ends in the dead-letter stream after maxDeliveries, with why, and is acknowledged', async () => {
    let calls = 0;
    const good: string[] = [];
    await consumer({
      handler: async (e) => {
        if (e.id.endsWith('Order1')) {
          calls++;
          throw new Error('cannot handle this one');
        }
        good.push(e.id);
      },
    }).start();
    const poison = await storePush(db, 1);
    await storePush(db, 2);
    await waitFor(async () => (await db.redis.xlen(db.keys.eventsDead)) === 1, 8000, 'dead letter');
    expect(calls).toBe(3);
    expect(good).toHaveLength(1); // the others are not held up
    const [[, flat]] = (await db.redis.xrange(db.keys.eventsDead, '-', '+')) as [[string, string[]]];
    const dead = fieldsOf(flat);
    const [[, original]] = (await db.redis.xrange(db.keys.events, poison, poison)) as [[string, string[]]];
    expect(dead).toMatchObject({ ...fieldsOf(original), group: 'g1', deliveries: '3', error: 'cannot handle this one', entry_id: poison });
    expect(dead.consumer).toBe(consumers[0]!.consumer);
    expect(Number(dead.dead_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(await pendingCount(db, 'g1')).toBe(0);
    await new Promise((r) => setTimeout(r, 400));
    expect(calls).toBe(3);
  });

  it('an entry whose consumers keep dying goes to the dead-letter stream when claimed past maxDeliveries', async () => {
    await consumer({ handler: async () => undefined }).start();
    await consumers.pop()!.stop();
    const id = await storePush(db, 1);
    // Three consumers took it and died before acknowledging (XCLAIM counts a delivery each time).
    await db.redis.xreadgroup('GROUP', 'g1', 'dead-1', 'COUNT', 10, 'STREAMS', db.keys.events, '>');
    await db.redis.call('XCLAIM', db.keys.events, 'g1', 'dead-2', 0, id);
    await db.redis.call('XCLAIM', db.keys.events, 'g1', 'dead-3', 0, id);
    let calls = 0;
    await consumer({ handler: async () => void calls++ }).start();
    await waitFor(async () => (await db.redis.xlen(db.keys.eventsDead)) === 1, 5000, 'dead letter');
    expect(calls).toBe(0);
    const [[, flat]] = (await db.redis.xrange(db.keys.eventsDead, '-', '+')) as [[string, string[]]];
    expect(fieldsOf(flat)).toMatchObject({ deliveries: '4', error: 'delivered 4 times without being acknowledged', entry_id: id });
  });

  it('a PermanentFailure goes to the dead-letter stream at once', async () => {
    let calls = 0;
    await consumer({
      handler: async () => {
        calls++;
        throw new PermanentFailure('payload is not JSON');
      },
    }).start();
    await storePush(db, 1);
    await waitFor(async () => (await db.redis.xlen(db.keys.eventsDead)) === 1, 5000, 'dead letter');
    expect(calls).toBe(1);
    expect(await pendingCount(db, 'g1')).toBe(0);
  });

  it('stop() ends a blocking read at once, and lets an entry in hand finish and be acknowledged', async () => {
    const idle = consumer({ handler: async () => undefined, blockMs: 10_000 });
    await idle.start();
    await new Promise((r) => setTimeout(r, 100)); // now blocked in XREADGROUP
    const t0 = Date.now();
    await idle.stop();
    expect(Date.now() - t0).toBeLessThan(2000);

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = false;
    let finished = false;
    const busy = consumer({
      handler: async () => {
        started = true;
        await gate;
        finished = true;
      },
    });
    await busy.start();
    await storePush(db, 1);
    await waitFor(() => started, 5000, 'handler start');
    const stopping = busy.stop();
    await new Promise((r) => setTimeout(r, 100));
    expect(finished).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
    expect(await pendingCount(db, 'g1')).toBe(0);
  });

  it('survives Redis trouble: a killed connection and a deleted stream, then goes on reading', async () => {
    const seen: string[] = [];
    const c = consumer({ handler: async (e) => void seen.push(e.id), backoffMs: 20, maxBackoffMs: 100, consumer: `c-${db.prefix}` });
    await c.start();
    await storePush(db, 1);
    await waitFor(() => seen.length === 1, 5000, 'first entry');

    // Kill the consumer's blocking connection (what a Redis restart or network cut does to it),
    // found by its connection name: this test's own, never another process's.
    const name = `name=events-reader:g1:${c.consumer}`;
    const readerLine = async () => String(await db.redis.client('LIST')).split('\n').find((l) => l.includes(name) && l.includes('cmd=xreadgroup'));
    await waitFor(async () => (await readerLine()) !== undefined, 2000, 'blocked reader');
    const id = /\bid=(\d+)/.exec((await readerLine())!)![1]!;
    await db.redis.client('KILL', 'ID', id);
    await storePush(db, 2);
    await waitFor(() => seen.length === 2, 8000, 'entry after reconnect');

    // The stream (and with it the group) is deleted: the group is created again.
    await db.redis.del(db.keys.events);
    await waitFor(() => logs.some((l) => l.includes('NOGROUP')), 5000, 'NOGROUP noticed');
    await storePush(db, 3);
    await waitFor(() => seen.length === 3, 8000, 'entry after the group came back');
    expect(logs.some((l) => l.includes('redis error, retrying'))).toBe(true);
  });
});

describe('trimAcknowledged (XTRIM MINID below what every group acknowledged)', () => {
  let db: Db;
  beforeEach(async () => {
    db = await testRedis();
  });
  afterEach(() => db.cleanup());

  const ids = async () => ((await db.redis.xrange(db.keys.events, '-', '+')) as [string, string[]][]).map(([id]) => id);
  const read = (group: string, consumer: string, count: number) =>
    db.redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', db.keys.events, '>') as Promise<[string, [string, string[]][]][] | null>;

  it('trims nothing without a stream or without a group, or while a group has read nothing', async () => {
    expect(await trimAcknowledged(db.redis, db.keys.events)).toEqual({ trimmed: 0, minId: null });
    for (let i = 0; i < 3; i++) await storePush(db, i);
    expect(await trimAcknowledged(db.redis, db.keys.events)).toEqual({ trimmed: 0, minId: null });
    await db.redis.xgroup('CREATE', db.keys.events, 'g1', '0');
    expect(await trimAcknowledged(db.redis, db.keys.events)).toEqual({ trimmed: 0, minId: '0-1' });
    expect(await db.redis.xlen(db.keys.events)).toBe(3);
  });

  it('keeps every entry some group has not acknowledged, or not yet read', async () => {
    const all: string[] = [];
    for (let i = 0; i < 10; i++) all.push(await storePush(db, i));
    await db.redis.xgroup('CREATE', db.keys.events, 'fast', '0');
    await db.redis.xgroup('CREATE', db.keys.events, 'slow', '0');
    await db.redis.xgroup('CREATE', db.keys.events, 'merchant', '0');

    // fast: read and acknowledged all 10.
    await read('fast', 'a', 10);
    await db.redis.xack(db.keys.events, 'fast', ...all);
    // slow: read 6, acknowledged all but #2 (and #5 is pending on a dead consumer).
    await read('slow', 'a', 6);
    await db.redis.xack(db.keys.events, 'slow', ...all.slice(0, 6).filter((_, i) => i !== 2 && i !== 5));
    // merchant: read and acknowledged 8, not yet read 8 and 9.
    await read('merchant', 'a', 8);
    await db.redis.xack(db.keys.events, 'merchant', ...all.slice(0, 8));

    const r = await trimAcknowledged(db.redis, db.keys.events);
    expect(r).toEqual({ trimmed: 2, minId: all[2] });
    expect(await ids()).toEqual(all.slice(2));

    // slow acknowledges #2: now #5 (pending) is the floor.
    await db.redis.xack(db.keys.events, 'slow', all[2]!);
    expect(await trimAcknowledged(db.redis, db.keys.events)).toEqual({ trimmed: 3, minId: all[5] });
    // Whatever each group still has to acknowledge or read is there.
    const left = await ids();
    expect(left).toEqual(all.slice(5));
    const pendingSlow = (await db.redis.xpending(db.keys.events, 'slow', '-', '+', 100)) as [string][];
    for (const [id] of pendingSlow) expect(left).toContain(id);

    // Everyone caught up: the stream is trimmed to empty, and new entries are kept.
    await db.redis.xack(db.keys.events, 'slow', all[5]!);
    await read('slow', 'a', 10);
    await db.redis.xack(db.keys.events, 'slow', ...all);
    await read('merchant', 'a', 10);
    await db.redis.xack(db.keys.events, 'merchant', ...all);
    const r3 = await trimAcknowledged(db.redis, db.keys.events);
    expect(r3.trimmed).toBe(5);
    expect(await db.redis.xlen(db.keys.events)).toBe(0);
    const fresh = await storePush(db, 99);
    expect(await trimAcknowledged(db.redis, db.keys.events)).toMatchObject({ trimmed: 0 });
    expect(await ids()).toEqual([fresh]);
  });

  it('with StreamConsumers running: trimming often never takes an entry a group still needs', async () => {
    const logger = createLogger('error', () => true);
    const seen = { a: new Set<string>(), b: new Set<string>() };
    let failOnce = true;
    const a = new StreamConsumer({ redis: db.redis, keys: db.keys, group: 'a', logger, blockMs: 100, claimIdleMs: 100, claimEveryMs: 50, handler: async (e) => void seen.a.add(e.id) });
    const b = new StreamConsumer({
      redis: db.redis,
      keys: db.keys,
      group: 'b',
      logger,
      blockMs: 100,
      claimIdleMs: 100,
      claimEveryMs: 50,
      handler: async (e) => {
        if (failOnce && e.id.endsWith('Order3')) {
          failOnce = false;
          throw new Error('first try fails');
        }
        await new Promise((r) => setTimeout(r, 5));
        seen.b.add(e.id);
      },
    });
    await a.start();
    await b.start();
    try {
      for (let i = 0; i < 30; i++) {
        await storePush(db, i);
        await trimAcknowledged(db.redis, db.keys.events);
      }
      await waitFor(() => seen.a.size === 30 && seen.b.size === 30, 8000, 'both groups saw all');
      await waitFor(async () => (await pendingCount(db, 'a')) + (await pendingCount(db, 'b')) === 0, 2000, 'acks');
      await trimAcknowledged(db.redis, db.keys.events);
      expect(await db.redis.xlen(db.keys.events)).toBe(0);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

describe('examples/merchant-consumer (runnable example)', () => {
  let db: Db;
  beforeEach(async () => {
    db = await testRedis();
  });
  afterEach(() => db.cleanup());

  it('prints each event as one JSON line, acknowledges it, and claims entries a dead consumer left', async () => {
    const first = await storePush(db, 1);
    const second = await storePush(db, 2);
    await db.redis.xgroup('CREATE', db.keys.events, 'merchant', '0');
    await db.redis.xreadgroup('GROUP', 'merchant', 'crashed', 'COUNT', 1, 'STREAMS', db.keys.events, '>');
    const script = join(__dirname, '..', '..', '..', 'examples', 'merchant-consumer', 'index.js');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script], {
      env: { ...process.env, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0', REDIS_PREFIX: db.prefix, CLAIM_IDLE_MS: '0', EXIT_WHEN_IDLE: '1' },
      timeout: 15_000,
    });
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.entry_id)).toEqual([first, second]);
    expect(lines[0]).toMatchObject({ type: 'giftcard_pay_done', id: 'oUser|1447848569|giftcard_pay_done|Order1', deliveries: 2, payload: { OrderId: 'Order1' } });
    expect(lines[1]).toMatchObject({ deliveries: 1 });
    expect(stderr).toContain('claimed a pending entry');
    expect(await pendingCount(db, 'merchant')).toBe(0);
  });
});
