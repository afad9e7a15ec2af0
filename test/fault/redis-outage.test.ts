import Redis from 'ioredis';
import { SAMPLES } from '../../shared/test/fixtures/event-samples';
import { startBff } from '../../bff/test/support/app';
import { post, signedPush } from '../../bff/test/support/push';
import { privateRedis } from '../support/private-redis';
import { openShop } from '../../bff/test/support/giftcards';
import type { TestSandbox } from '../../bff/test/support/sandbox';

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

  it('Redis stopped mid-storm of sandbox pushes and started again: every event stored exactly once, no 200 while it was down', async () => {
    await bff.close();
    bff = await startBff({}, { redisUrl: redis.url, storeDeadlineMs: 500, pushRetryDelayMs: 100 });
    const shop = await openShop(bff.wechat, bff as unknown as TestSandbox, [{ price: 1000, quantity: 1000 }]);
    const total = 300;
    const buys = Array.from({ length: total }, (_, i) => ({ openid: `o_storm_${i}`, page_id: shop.pageId, items: [{ card_id: shop.cardIds[0], count: 1 }] }));
    let down: { from: number; to: number } | undefined;
    const acked = () => bff.pusher!.deliveries().filter((d) => d.event === 'giftcard_pay_done' && d.outcome === 'acked').length;
    const outage = (async () => {
      while (acked() < total / 3) await new Promise((r) => setTimeout(r, 5));
      await redis.stop();
      down = { from: Date.now(), to: 0 };
      await new Promise((r) => setTimeout(r, 1000));
      down.to = Date.now();
      await redis.start();
    })();
    // The storm: users buy as fast as the sandbox lets them; each purchase is one giftcard_pay_done push.
    for (let i = 0; i < total; i += 20) await Promise.all(buys.slice(i, i + 20).map((b) => bff.control('shelves/buy', b)));
    await outage;
    await bff.pusher!.idle();
    const deliveries = bff.pusher!.deliveries().filter((d) => d.event === 'giftcard_pay_done');
    expect(deliveries).toHaveLength(total);
    expect(deliveries.every((d) => d.outcome === 'acked')).toBe(true);
    // Some pushes were refused while Redis was down, and retried by the sandbox as WeChat would.
    expect(deliveries.some((d) => d.attempts.some((a) => a.status === 503))).toBe(true);
    const okWhileDown = deliveries.flatMap((d) => d.attempts).filter((a) => a.status === 200 && a.startedAt >= down!.from && a.startedAt + a.durationMs <= down!.to);
    expect(okWhileDown).toEqual([]);
    const stored = await bff.db.redis.xrange(bff.db.keys.events, '-', '+');
    const orderIds = stored.map(([, f]) => JSON.parse(f[f.indexOf('payload') + 1]!).OrderId as string);
    expect(orderIds).toHaveLength(total);
    expect(new Set(orderIds).size).toBe(total);
  }, 60_000);
});
