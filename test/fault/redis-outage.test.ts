import Redis from 'ioredis';
import { SAMPLES } from '../../shared/test/fixtures/event-samples';
import { startBff } from '../../bff/test/support/app';
import { post, signedPush } from '../../bff/test/support/push';
import { privateRedis } from '../support/private-redis';

/**
 * Honest acknowledgements: the callback answers 200 only for what Redis durably stored. A Redis of
 * the test's own is slowed, and stopped and restarted in the middle of a storm of pushes.
 */
describe('callback with Redis failing', () => {
  let redis: Awaited<ReturnType<typeof privateRedis>>;
  let bff: Awaited<ReturnType<typeof startBff>>;
  beforeEach(async () => {
    redis = await privateRedis();
    bff = await startBff({}, { redisUrl: redis.url, storeDeadlineMs: 500 });
  });
  afterEach(async () => {
    await bff.close();
    await redis.destroy();
  });
  const target = () => ({ origin: bff.origin, token: bff.config.wechatToken });

  it('Redis slower than the deadline: 503 with no body; the retry is acknowledged and stored once', async () => {
    const push = signedPush(target(), SAMPLES.giftcard_pay_done);
    const blocker = new Redis(redis.url);
    await blocker.ping();
    const sleeping = blocker.call('DEBUG', 'SLEEP', '1.5').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    expect(await post(push.url, push.body)).toEqual({ status: 503, body: '' });
    await sleeping;
    blocker.disconnect();
    const retry = signedPush(target(), SAMPLES.giftcard_pay_done);
    expect(await post(retry.url, retry.body)).toEqual({ status: 200, body: '<xml>ok</xml>' });
    expect(await bff.db.redis.xlen(bff.db.keys.events)).toBe(1);
  });

  it('Redis stopped mid-storm and started again: every push stored exactly once, no 200 while it was down', async () => {
    const total = 300;
    const pushes = Array.from({ length: total }, (_, i) => ({ ...SAMPLES.giftcard_pay_done, OrderId: `storm-${i}` }));
    let down: { from: number; to: number } | undefined;
    const okWhileDown: number[] = [];
    let acked = 0;
    // Each push is delivered like WeChat does: again and again until it is acknowledged.
    const deliver = async (fields: Record<string, string>, i: number) => {
      for (let attempt = 0; attempt < 60; attempt++) {
        const push = signedPush(target(), fields);
        const sent = Date.now();
        const res = await post(push.url, push.body).catch(() => ({ status: 0, body: '' }));
        if (res.status === 200) {
          if (down && sent >= down.from && (down.to === 0 || Date.now() <= down.to)) okWhileDown.push(i);
          expect(res.body).toBe('<xml>ok</xml>');
          acked++;
          return;
        }
        expect(res).toEqual({ status: 503, body: '' });
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`push ${i} never acknowledged`);
    };
    const outage = (async () => {
      while (acked < total / 3) await new Promise((r) => setTimeout(r, 5));
      await redis.stop();
      down = { from: Date.now(), to: 0 };
      await new Promise((r) => setTimeout(r, 1000));
      down.to = Date.now();
      await redis.start();
    })();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < total) {
          const i = next++;
          await deliver(pushes[i]!, i);
        }
      }),
    );
    await outage;
    expect(down).toBeDefined();
    expect(okWhileDown).toEqual([]);
    for (let i = 0; i < 50 && bff.db.redis.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 100));
    const stored = await bff.db.redis.xrange(bff.db.keys.events, '-', '+');
    const orderIds = stored.map(([, f]) => JSON.parse(f[f.indexOf('payload') + 1]!).OrderId as string);
    expect(orderIds).toHaveLength(total);
    expect(new Set(orderIds).size).toBe(total);
  }, 60_000);
});
