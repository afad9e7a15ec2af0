import { Metrics, observeRedisScripts, wechatCallObserver } from '../../src/ops/metrics';
import { createWechat } from '../../src/wechat';
import { startBff } from '../support/app';
import { post, signedPush } from '../support/push';

/** /metrics from prom-client: the process's own metrics, the counters, and the latency histograms. */
describe('metrics', () => {
  it('render the default process metrics (event-loop lag, heap, GC) beside the counters', async () => {
    const metrics = new Metrics();
    metrics.counter('probe_total', 'A probe.', ['x']).add({ x: 1 });
    metrics.counter('probe_total', 'A probe.', ['x']).add({ x: 1 }, 2); // the same family again, not a second one
    const text = await metrics.render();
    expect(text).toContain('# TYPE probe_total counter');
    expect(text).toContain('probe_total{x="1"} 3');
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  describe('latency histograms, on the real BFF', () => {
    let bff: Awaited<ReturnType<typeof startBff>>;
    let stopScripts: () => void;
    beforeAll(async () => {
      bff = await startBff();
      stopScripts = observeRedisScripts(bff.metrics);
    });
    afterAll(async () => {
      stopScripts();
      await bff.close();
    });
    const scrape = async () => (await fetch(`${bff.origin}/metrics`, { headers: { authorization: `Bearer ${bff.config.metricsToken}` } })).text();
    const count = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);

    it('callback latency by status, and the inbox script\'s latency', async () => {
      const push = signedPush({ origin: bff.origin, token: bff.config.wechatToken }, {
        ToUserName: 'gh_x', FromUserName: 'o_metrics', CreateTime: String(Math.floor(Date.now() / 1000)), MsgType: 'event', Event: 'user_view_card', CardId: 'c1', UserCardCode: '123',
      });
      expect((await post(push.url, push.body)).status).toBe(200);
      expect((await post(push.url.replace(/signature=\w+/, 'signature=bad'), push.body)).status).toBe(401);
      const text = await scrape();
      expect(text).toContain('# TYPE wechat_callback_duration_seconds histogram');
      expect(count(text, 'wechat_callback_duration_seconds_count{status="200"}')).toBe(1);
      expect(count(text, 'wechat_callback_duration_seconds_count{status="401"}')).toBe(1);
      expect(text).toMatch(/^wechat_callback_duration_seconds_bucket\{le="0\.005",status="200"\} \d+$/m);
      expect(text).toContain('# TYPE redis_script_duration_seconds histogram');
      expect(count(text, 'redis_script_duration_seconds_count{script="inbox_store_once"}')).toBeGreaterThanOrEqual(1);
    });

    it('WeChat call latency per endpoint', async () => {
      const wechat = createWechat({
        baseUrl: bff.config.wechatApiBase, appid: bff.config.wechatAppid, secret: bff.config.wechatAppsecret, redis: bff.db.redis, keys: bff.db.keys,
        onCall: wechatCallObserver(bff.metrics),
      });
      await wechat.client.giftcard.batchGetPages({});
      const text = await scrape();
      expect(count(text, 'wechat_call_duration_seconds_count{endpoint="/cgi-bin/stable_token"}')).toBe(1);
      expect(count(text, 'wechat_call_duration_seconds_count{endpoint="/card/giftcard/page/batchget"}')).toBe(1);
      expect(count(text, 'wechat_calls_total{endpoint="/card/giftcard/page/batchget",errcode="0"}')).toBe(1);
    });
  });
});
