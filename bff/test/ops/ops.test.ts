import { startBff } from '../support/app';

describe('operations routes', () => {
  let bff: Awaited<ReturnType<typeof startBff>>;
  beforeAll(async () => {
    bff = await startBff();
  });
  afterAll(() => bff.close());

  it('GET /healthz answers while the process is up', async () => {
    const res = await fetch(`${bff.origin}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers ready when Redis does', async () => {
    const res = await fetch(`${bff.origin}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready' });
  });

  it('GET /metrics speaks the Prometheus text format and counts requests by route', async () => {
    await fetch(`${bff.origin}/healthz`);
    const res = await fetch(`${bff.origin}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^# TYPE http_requests_total counter$/m);
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]\d*$/m);
    expect(text).toMatch(/^process_uptime_seconds \d+$/m);
  });

  it('mounts the WeChat sandbox under /sandbox in sandbox mode', async () => {
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
});
