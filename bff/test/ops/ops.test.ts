import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { Metrics } from '../../src/ops/metrics';
import { metricsApp } from '../../src/ops/routes';
import { connectRedis } from '../../src/redis/connect';
import { redisKeys } from '../../src/redis/keys';
import { startBff } from '../support/app';

describe('operations routes', () => {
  let bff: Awaited<ReturnType<typeof startBff>>;
  beforeAll(async () => {
    bff = await startBff();
  });
  afterAll(() => bff.close());

  it('GET /healthz answers while the process is up, saying which process answered', async () => {
    const res = await fetch(`${bff.origin}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', pid: process.pid });
  });

  it('GET /readyz answers ready when Redis does', async () => {
    const res = await fetch(`${bff.origin}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready' });
  });

  it('GET /metrics speaks the Prometheus text format and counts requests by route', async () => {
    await fetch(`${bff.origin}/healthz`);
    const res = await fetch(`${bff.origin}/metrics`, { headers: { authorization: `Bearer ${bff.config.metricsToken}` } });
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^# TYPE http_requests_total counter$/m);
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]\d*$/m);
    expect(text).toMatch(/^process_start_time_seconds \d+$/m);
  });

  it('serves the WeChat sandbox (a service of its own, proxied) under /sandbox in sandbox mode', async () => {
    const { appid, secret } = bff.world.config.serviceAccount;
    const res = await fetch(`${bff.origin}/sandbox/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({ grant_type: 'client_credential', appid, secret }),
    });
    expect(await res.json()).toMatchObject({ access_token: expect.any(String), expires_in: 7200 });
  });

  it('answers an unknown route 404 without a stack trace', async () => {
    const res = await fetch(`${bff.origin}/nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toMatch(/at .*\.ts/);
  });

  it('GET /metrics on the public origin needs the METRICS_TOKEN bearer (the sandbox makes one up)', async () => {
    expect(bff.config.generated).toContain('METRICS_TOKEN');
    for (const authorization of [undefined, 'Bearer wrong-metrics-token', `Basic ${bff.config.metricsToken}`, `Bearer ${bff.config.metricsToken}x`]) {
      const res = await fetch(`${bff.origin}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain('http_requests_total');
    }
  });
});

describe('/metrics is never open on the public origin', () => {
  it('without METRICS_TOKEN or METRICS_PORT (outside the sandbox) it is not served: 404', () => {
    const config = loadConfig({ WECHAT_APPID: 'wx1', WECHAT_APPSECRET: 's', WECHAT_TOKEN: 'tok123', WXA_APPID: 'wx2', WXA_SECRET: 's', ADMIN_TOKEN: 'a'.repeat(16), SESSION_SECRET: 'b'.repeat(32) });
    expect(config.metricsToken).toBeUndefined();
    expect(config.metricsPort).toBeUndefined();
    return withApp(config, async (origin) => {
      expect((await fetch(`${origin}/metrics`)).status).toBe(404);
    });
  });

  it('with METRICS_PORT the public origin does not serve it; the loopback app does, without a token', async () => {
    const config = loadConfig({ SANDBOX: '1', METRICS_PORT: '9464' });
    expect(config.metricsToken).toBeUndefined();
    await withApp(config, async (origin) => {
      expect((await fetch(`${origin}/metrics`)).status).toBe(404);
    });
    const metrics = new Metrics();
    metrics.counter('probe_total', 'A probe.', ['x']).add({ x: 1 });
    const server = metricsApp(metrics).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('probe_total{x="1"} 1');
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(404);
    } finally {
      server.close();
    }
  });

  it('METRICS_TOKEN and METRICS_PORT are checked at start-up', () => {
    expect(() => loadConfig({ SANDBOX: '1', METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ SANDBOX: '1', METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
    expect(loadConfig({ SANDBOX: '1', METRICS_TOKEN: 'm'.repeat(16) }).metricsToken).toBe('m'.repeat(16));
  });
});

describe('/readyz', () => {
  it("answers 503 without Redis's error text", async () => {
    // A Redis that cannot be reached: the error names its host and port.
    const redis = connectRedis('redis://127.0.0.1:1/0');
    redis.on('error', () => undefined);
    const config = loadConfig({ SANDBOX: '1' });
    try {
      await withApp(config, async (origin) => {
        const res = await fetch(`${origin}/readyz`);
        expect(res.status).toBe(503);
        const text = await res.text();
        expect(JSON.parse(text)).toEqual({ status: 'not ready', redis: 'unavailable' });
        expect(text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|Connection|offline|:1\b/i);
      }, redis);
    } finally {
      redis.disconnect();
    }
  });
});

/** The app of `config` on a free port (the WeChat client is never called here). */
async function withApp(config: ReturnType<typeof loadConfig>, fn: (origin: string) => Promise<void>, redis = connectRedis('redis://127.0.0.1:6379/0')) {
  const app = createApp({ config, redis, keys: redisKeys('gc:test:ops:'), wechat: { client: {} } as never, metrics: new Metrics(), logger: silentLogger });
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (redis.status !== 'end') redis.disconnect();
  }
}
