import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import type { GiftCardOrder } from '@giftcard/shared';
import { SAMPLES } from '../../shared/test/fixtures/event-samples';
import { createApp } from '../../bff/src/app';
import { trimAcknowledged } from '../../bff/src/events/trim';
import { silentLogger } from '../../bff/src/log';
import { Metrics } from '../../bff/src/ops/metrics';
import { connectRedis, redisReady } from '../../bff/src/redis/connect';
import { createWechat } from '../../bff/src/wechat';
import { startBff } from '../../bff/test/support/app';
import { openShop } from '../../bff/test/support/giftcards';
import { post, signedPush } from '../../bff/test/support/push';
import { startReceiver } from '../../bff/test/support/receiver';
import type { TestSandbox } from '../../bff/test/support/sandbox';
import { boughtCard, terminal } from '../../bff/test/till/support';
import { redisCluster } from '../support/redis-cluster';
import { startWorkersStack } from '../support/workers-stack';

/**
 * Scale-out on a real Redis Cluster (3 masters, 1 replica each, started here): two BFF processes (two
 * apps, each with its own Redis connection and WeChat client, one sandbox as their WeChat) on
 * REDIS_PREFIX={gc}:, and every step that spans keys: the inbox script, the projector's writes,
 * trimming, the token lock, the till's lock and ledger, webhooks and rate limits.
 */
type Bff = Awaited<ReturnType<typeof startBff>>;
const PREFIX = '{gc}:';

let cluster: Awaited<ReturnType<typeof redisCluster>>;
let a: Bff;
let b: Awaited<ReturnType<typeof secondProcess>>;

/** A second BFF process: its own app, Redis connection and WeChat client (same settings, same sandbox). */
async function secondProcess(first: Bff, url: string) {
  const redis = connectRedis(url);
  await redisReady(redis);
  const { config } = first;
  const wechat = createWechat({ baseUrl: config.wechatApiBase, appid: config.wechatAppid, secret: config.wechatAppsecret, redis, keys: first.db.keys });
  const app = createApp({ config, redis, keys: first.db.keys, wechat, metrics: new Metrics({ processMetrics: false }), logger: silentLogger });
  const server: Server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    wechat,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}

async function until<T>(read: () => Promise<T | null | undefined | false>, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `fn` over every item, at most `limit` at once. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

beforeAll(async () => {
  cluster = await redisCluster();
  a = await startBff({ RATE_LOGIN_PER_IP: '5/60' }, { redisUrl: cluster.url, prefix: PREFIX, pushRetryDelayMs: 20, projector: true });
  b = await secondProcess(a, cluster.url);
}, 60_000);

afterAll(async () => {
  await b?.close();
  await a?.close();
  await cluster?.destroy();
});

describe('a Redis Cluster of the test\'s own', () => {
  it('has 3 masters with a replica each, and the prefix\'s keys share one slot', async () => {
    const roles = await cluster.roles();
    expect(roles.masters).toHaveLength(3);
    expect(roles.replicas).toHaveLength(3);
    const node = new Redis(cluster.nodes[0]!.port, '127.0.0.1');
    try {
      const k = a.db.keys;
      const slots = await Promise.all([k.events, k.eventsUnparsed, k.accessToken('wx'), `${PREFIX}anything`].map((key) => node.cluster('KEYSLOT', key)));
      expect(new Set(slots).size).toBe(1);
    } finally {
      node.disconnect();
    }
  });
});

describe('on REDIS_PREFIX={gc}: with two BFF processes', () => {
  it('push storm: 2,000 distinct pushes, each delivered 3 times over both processes, are exactly 2,000 entries', async () => {
    const before = await a.db.redis.xlen(a.db.keys.events);
    const origins = [a.origin, b.origin];
    const createTime = Math.floor(Date.now() / 1000);
    // Text messages: stored like any push (de-duplicated by MsgId), and nothing the projector re-reads from WeChat.
    const pushes = Array.from({ length: 2000 }, (_, i) => ({ ToUserName: 'gh_storm', FromUserName: `o_storm_${i % 97}`, CreateTime: String(createTime), MsgType: 'text', Content: `storm ${i}`, MsgId: String(7_000_000_000 + i) }));
    // Every delivery is signed afresh (its own nonce and timestamp), as WeChat's retries are; each to either process.
    const deliveries = pushes.flatMap((fields, i) => [0, 1, 2].map((n) => ({ fields, origin: origins[(i + n) % 2]! })));
    // A delivery not answered 200 (503: no replica confirmed within the WAIT, on a loaded machine) is
    // retried, signed afresh, as WeChat does.
    let acknowledged = 0;
    await eachLimited(deliveries, 64, async ({ fields, origin }) => {
      for (let attempt = 0; attempt < 10; attempt++) {
        const p = signedPush({ origin, token: a.config.wechatToken }, fields);
        if ((await post(p.url, p.body)).status === 200) return void acknowledged++;
        await new Promise((r) => setTimeout(r, 200));
      }
    });
    expect(acknowledged).toBe(6000);
    expect((await a.db.redis.xlen(a.db.keys.events)) - before).toBe(2000);
  }, 120_000);

  it("a sandbox purchase reaches the buyer's projections (the projector's writes and the list version in one script)", async () => {
    const shop = await openShop(a.wechat, a as unknown as TestSandbox, [{ price: 5000 }]);
    const order = await a.control<GiftCardOrder>('shelves/buy', { openid: 'o_cluster_buyer', page_id: shop.pageId, items: [{ card_id: shop.cardIds[0], count: 2 }] });
    const store = a.projector!.store;
    const mine = await until(async () => (await store.ordersOf('o_cluster_buyer')).orders[0], 'the projected order');
    expect(mine).toMatchObject({ order_id: order.order_id, total_price: 10000 });
    const cards = await until(async () => {
      const c = await store.cardsOf('o_cluster_buyer');
      return c.length === 2 && c;
    }, 'two projected cards');
    expect(cards.every((c) => c.owner === 'o_cluster_buyer' && c.order_id === order.order_id && c.balance === 5000)).toBe(true);
  });

  it('trimming: below what every group acknowledged, never past it', async () => {
    const events = a.db.keys.events;
    // The projector acknowledges what it read; wait until it has read everything so far.
    await until(async () => {
      const groups = (await a.db.redis.xinfo('GROUPS', events)) as unknown[][];
      return groups.every((g) => {
        const f = Object.fromEntries(Array.from({ length: g.length / 2 }, (_, i) => [String(g[2 * i]), g[2 * i + 1]]));
        return Number(f.pending) === 0 && Number(f.lag ?? 0) === 0;
      });
    }, 'the projector to acknowledge every event', 60_000);
    const before = await a.db.redis.xlen(events);
    const r = await trimAcknowledged(a.db.redis, events);
    expect(r.trimmed).toBeGreaterThan(0);
    expect(await a.db.redis.xlen(events)).toBe(before - r.trimmed);
    // A group that has read nothing holds everything that is left.
    await a.db.redis.xgroup('CREATE', events, 'cluster-test-late', '0');
    const left = await a.db.redis.xlen(events);
    expect((await trimAcknowledged(a.db.redis, events)).trimmed).toBe(0);
    expect(await a.db.redis.xlen(events)).toBe(left);
    await a.db.redis.xgroup('DESTROY', events, 'cluster-test-late');
  }, 90_000);

  it('token lock: 200 concurrent WeChat calls over both processes with no token cause exactly 1 token fetch', async () => {
    const tokenFetches = () => {
      const calls = a.world.calls.all();
      return (calls['auth.getToken'] ?? 0) + (calls['auth.getStableToken'] ?? 0);
    };
    await a.db.redis.del(a.db.keys.accessToken(a.config.wechatAppid));
    const before = tokenFetches();
    const clients = [a.wechat.client, b.wechat.client];
    await Promise.all(Array.from({ length: 200 }, (_, i) => clients[i % 2]!.giftcard.batchGetPages({})));
    expect(tokenFetches() - before).toBe(1);
  });

  it("the till's lock and ledger: one idempotency key sent to both processes at once debits once", async () => {
    const t = await terminal(a);
    const { code } = await boughtCard(a, { price: 3000, openid: 'o_cluster_till' });
    const ledgerBefore = await a.db.redis.xlen(a.db.keys.redemptions);
    const body = { code, amount: 1200, idempotency_key: 'cluster-key-1' };
    const send = (origin: string) =>
      fetch(`${origin}/pos/redemptions`, { method: 'POST', headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as { redemption: { id: string; balance_after: number } } }));
    const answers = await Promise.all([send(a.origin), send(b.origin), send(a.origin), send(b.origin)]);
    expect(answers.map((x) => x.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(answers.map((x) => x.body.redemption.id)).size).toBe(1);
    expect(answers[0]!.body.redemption.balance_after).toBe(1800);
    expect((await a.db.redis.xlen(a.db.keys.redemptions)) - ledgerBefore).toBe(1);
  });

  it('rate limits: a 5/60 login quota is shared by both processes', async () => {
    const login = (origin: string) => fetch(`${origin}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: `bad-${Math.random()}` }) }).then((r) => r.status);
    const statuses = await Promise.all(Array.from({ length: 8 }, (_, i) => login(i % 2 ? b.origin : a.origin)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
  });
});

describe('webhooks on the cluster', () => {
  it('every stored event is POSTed, signed, once', async () => {
    const secret = 'whsec_'.padEnd(40, 'c');
    const receiver = await startReceiver(secret);
    const bff = await startBff(
      { MERCHANT_WEBHOOK_URL: receiver.url, MERCHANT_WEBHOOK_SECRET: secret, MERCHANT_WEBHOOK_RETRY_MS: '40', MERCHANT_WEBHOOK_TIMEOUT_MS: '1000' },
      { redisUrl: cluster.url, prefix: '{gcwh}:', webhooks: true },
    );
    try {
      for (let i = 0; i < 5; i++) {
        const p = signedPush({ origin: bff.origin, token: bff.config.wechatToken }, { ...SAMPLES.giftcard_pay_done, OrderId: `cluster-wh-${i}` });
        expect((await post(p.url, p.body)).status).toBe(200);
      }
      await until(async () => receiver.received.length >= 5, 'five webhooks');
      await new Promise((r) => setTimeout(r, 200));
      expect(receiver.received).toHaveLength(5);
      expect(receiver.received.every((h) => h.signed)).toBe(true);
      expect(receiver.received.map((h) => h.body.payload.OrderId).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `cluster-wh-${i}`));
    } finally {
      await bff.close();
      await receiver.close();
    }
  });
});

describe('an acknowledgement survives the loss of any one node (WAIT for a replica)', () => {
  const text = (i: number, tag: string) => ({ ToUserName: 'gh_failover', FromUserName: `o_${tag}_${i % 53}`, CreateTime: String(Math.floor(Date.now() / 1000)), MsgType: 'text', Content: `${tag} ${i}`, MsgId: `${tag}${i}` });
  const deliver = async (origin: string, fields: Record<string, string>) => {
    const p = signedPush({ origin, token: a.config.wechatToken }, fields);
    return (await post(p.url, p.body)).status;
  };

  it('answers 503 (WeChat retries) while no replica of the events\' master confirms the write; 200 once one does', async () => {
    const master = await cluster.masterOf(a.db.keys.events);
    const replica = await cluster.replicaOf(master);
    cluster.pause(replica);
    try {
      expect(await deliver(a.origin, text(1, 'paused'))).toBe(503);
      expect(await deliver(b.origin, text(1, 'paused'))).toBe(503);
    } finally {
      cluster.resume(replica);
    }
    await until(async () => (await deliver(a.origin, text(1, 'paused'))) === 200, 'the push acknowledged once the replica is back');
  }, 30_000);

  it('failover mid-storm: the master killed, its replica takes over; every push stored exactly once after WeChat\'s retries, none acknowledged and lost', async () => {
    const events = a.db.keys.events;
    const master = await cluster.masterOf(events);
    const origins = [a.origin, b.origin];
    const pushes = Array.from({ length: 1000 }, (_, i) => text(i, 'fo'));
    const acked = new Set<string>();
    const statuses = new Map<number, number>();
    let killed = false;
    // WeChat: each push until it is acknowledged (a fresh signature per attempt, either process), then once more.
    await eachLimited(pushes, 32, async (fields, i) => {
      for (let attempt = 0; ; attempt++) {
        if (attempt > 200) throw new Error(`push ${fields.MsgId} never acknowledged`);
        const status = await deliver(origins[(i + attempt) % 2]!, fields).catch(() => 0);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 200) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      acked.add(fields.MsgId);
      if (acked.size === 300 && !killed) {
        killed = true;
        await cluster.kill(master);
        setTimeout(() => void cluster.restart(master), 3000);
      }
      // A duplicate delivery: acknowledged, or (mid-failover) 503; never a second entry.
      expect([200, 503]).toContain(await deliver(origins[(i + 1) % 2]!, fields).catch(() => 503));
    });
    expect(killed).toBe(true);
    expect(await cluster.masterOf(events)).not.toBe(master);
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0); // the failover was felt mid-storm
    const stored = (await a.db.redis.xrange(events, '-', '+'))
      .map(([, f]) => JSON.parse(f[f.indexOf('payload') + 1]!) as { MsgId?: string; ToUserName?: string })
      .filter((p) => p.ToUserName === 'gh_failover' && p.MsgId?.startsWith('fo'))
      .map((p) => p.MsgId!);
    expect(stored).toHaveLength(1000);
    expect(new Set(stored).size).toBe(1000);
    expect([...acked].every((id) => stored.includes(id))).toBe(true);
  }, 180_000);
});

describe('WORKERS=2 as OS processes on the cluster', () => {
  it('push storm: 2,000 distinct pushes, each delivered 3 times to the one port node:cluster spreads over both processes, are exactly 2,000 entries', async () => {
    const stack = await startWorkersStack({ workers: 2, redisUrl: cluster.url, prefix: '{gcw}:' });
    try {
      const createTime = Math.floor(Date.now() / 1000);
      const pushes = Array.from({ length: 2000 }, (_, i) => ({ ToUserName: 'gh_storm', FromUserName: `o_storm_${i % 97}`, CreateTime: String(createTime), MsgType: 'text', Content: `os storm ${i}`, MsgId: String(9_000_000_000 + i) }));
      // Each delivery retried, signed afresh, until answered 200, as WeChat does: on a loaded machine a
      // replica may not confirm within the WAIT and the push is answered 503 (and not acknowledged).
      let acknowledged = 0;
      await eachLimited(pushes.flatMap((fields) => [fields, fields, fields]), 64, async (fields) => {
        for (let attempt = 0; attempt < 10; attempt++) {
          const p = signedPush({ origin: stack.origin, token: stack.wechatToken }, fields);
          if ((await post(p.url, p.body)).status === 200) return void acknowledged++;
          await new Promise((r) => setTimeout(r, 200));
        }
      });
      expect(acknowledged).toBe(6000);
      expect(await stack.redis.xlen(stack.keys.events)).toBe(2000);
      // Both processes served: each answers /healthz with its own pid.
      expect((await stack.pidsAnswering()).size).toBe(2);
    } finally {
      await stack.stop();
    }
  }, 180_000);
});
