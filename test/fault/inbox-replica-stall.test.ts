import Redis from 'ioredis';
import { EventInbox, StoreDeadlineExceeded } from '../../bff/src/callback/inbox';
import { testRedis, type TestDb } from '../../bff/test/support/redis';
import { privateRedis } from '../support/private-redis';

/**
 * The inbox's deadline where each batch waits for a replica: a master that stops answering holds the
 * batch in flight, and the pushes arriving meanwhile wait behind it (one batch in flight per connection
 * that WAITs). Each of them is still failed within the deadline, however long the master stays stuck,
 * so the callback answers 503 and WeChat retries, instead of WeChat's own 5 s timeout.
 */
describe('inbox deadline behind a stalled master with a replica', () => {
  let master: Awaited<ReturnType<typeof privateRedis>>;
  let replica: Awaited<ReturnType<typeof privateRedis>>;
  let db: TestDb;
  let inbox: EventInbox;
  beforeEach(async () => {
    master = await privateRedis();
    replica = await privateRedis();
    const { port } = new URL(master.url);
    const toReplica = new Redis(replica.url);
    await toReplica.call('REPLICAOF', '127.0.0.1', port);
    toReplica.disconnect();
    db = await testRedis(master.url);
    for (let i = 0; /connected_slaves:1/.test(await db.redis.info('replication')) === false; i++) {
      if (i > 200) throw new Error('the replica did not connect');
      await new Promise((r) => setTimeout(r, 25));
    }
    inbox = new EventInbox(db.redis, db.keys, { deadlineMs: 300, replicaWaitMs: 10_000 });
  });
  afterEach(async () => {
    inbox.close();
    db.redis.disconnect();
    await replica.destroy();
    await master.destroy();
  });

  const push = (n: number) => ({
    type: 'giftcard_pay_done',
    id: `oUser|1447848568|giftcard_pay_done|Stall${n}`,
    payload: { ToUserName: 'gh_x', FromUserName: 'oUser', CreateTime: 1447848568, MsgType: 'event', Event: 'giftcard_pay_done', OrderId: `Stall${n}` },
  });

  it('fails every push within the deadline, the ones that came after an earlier deadline too', async () => {
    // Learns the replica (later batches WAIT), opening the inbox's own connection: on a slow disk
    // (append-only, fsync always) that first store can itself outlast the short deadline, so until one lands.
    for (let i = 0; ; i++) {
      const first = await inbox.store(push(0)).catch((e: Error) => e);
      if (!(first instanceof Error)) break;
      if (i === 20) throw first;
    }
    const blocker = new Redis(master.url);
    const sleeping = blocker.call('DEBUG', 'SLEEP', '3').catch(() => undefined);
    try {
      await new Promise((r) => setTimeout(r, 50));
      const settledIn = (n: number) => {
        const started = Date.now();
        return inbox.store(push(n)).then(
          () => ({ n, ms: Date.now() - started, outcome: 'stored' }),
          (e: Error) => ({ n, ms: Date.now() - started, outcome: e instanceof StoreDeadlineExceeded ? 'deadline' : e.message }),
        );
      };
      const inFlight = settledIn(1); // sent, stuck in the sleeping master
      await new Promise((r) => setTimeout(r, 20));
      const heldBack = settledIn(2); // waits behind it
      await new Promise((r) => setTimeout(r, 500)); // past held-back's deadline
      const later = settledIn(3); // arrives after that deadline, still behind the stuck batch
      const outcomes = await Promise.all([inFlight, heldBack, later]);
      expect(outcomes.map((o) => [o.n, o.outcome, o.ms < 1500])).toEqual([
        [1, 'deadline', true],
        [2, 'deadline', true],
        [3, 'deadline', true],
      ]);
    } finally {
      await sleeping;
      blocker.disconnect();
    }
  });
});
