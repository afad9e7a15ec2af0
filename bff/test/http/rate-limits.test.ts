import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { WEUI_CSS_PATH } from '../../src/landing/html';
import { silentLogger } from '../../src/log';
import { Metrics } from '../../src/ops/metrics';
import { connectRedis, redisReady } from '../../src/redis/connect';
import { startBff } from '../support/app';
import { createProduct, productPath, scan } from '../landing/helpers';
import { terminal } from '../till/support';

type Bff = Awaited<ReturnType<typeof startBff>>;

async function send(origin: string, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${origin}${path}`, {
    method,
    redirect: 'manual',
    headers: { 'content-type': 'application/json', ...opts.headers },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text(), cookies: res.headers.getSetCookie() };
}

/** A wx.login code of the sandbox (good) or a made-up one (bad): each costs a jscode2session call. */
const badLogin = (origin: string, headers: Record<string, string> = {}) => send(origin, 'POST', '/api/session', { body: { code: `bad-${Math.random()}` }, headers });
const jscode2sessionCalls = (bff: Bff) => bff.world.calls.all()['auth.jscode2session'] ?? 0;

function expect429(r: { status: number; retryAfter: string | null; text: string }, windowS: number) {
  expect(r.status).toBe(429);
  expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(r.retryAfter)).toBeLessThanOrEqual(windowS);
}

/** A second BFF process: its own app and its own Redis connection, the same Redis and prefix. */
async function secondProcess(bff: Bff) {
  const redis = connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0');
  await redisReady(redis);
  const app = createApp({ config: bff.config, redis, keys: bff.db.keys, wechat: bff.wechat, metrics: new Metrics(), logger: silentLogger });
  const server: Server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}

describe('rate limits (429 with Retry-After, counted in Redis)', () => {
  it('POST /api/session per client IP: the 6th code of a 5/60 quota is refused before WeChat is asked', async () => {
    const bff = await startBff({ RATE_LOGIN_PER_IP: '5/60' });
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () => badLogin(bff.origin)));
      expect(results.filter((r) => r.status === 401)).toHaveLength(5);
      for (const r of results.filter((r) => r.status !== 401)) {
        expect429(r, 60);
        expect(JSON.parse(r.text)).toEqual({ error: { code: 'rate_limited', message: expect.any(String), retry_after: Number(r.retryAfter) } });
      }
      expect(jscode2sessionCalls(bff)).toBe(5);
    } finally {
      await bff.close();
    }
  });

  it('hold across 2 BFF processes on the same Redis', async () => {
    const bff = await startBff({ RATE_LOGIN_PER_IP: '6/60', RATE_AUTH_FAILURES_PER_IP: '4/60' });
    const other = await secondProcess(bff);
    try {
      const origins = [bff.origin, other.origin];
      const logins = [];
      for (let i = 0; i < 10; i++) logins.push(await badLogin(origins[i % 2]!));
      expect(logins.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401, 429, 429, 429, 429]);
      const admin = [];
      for (let i = 0; i < 6; i++) admin.push(await send(origins[i % 2]!, 'GET', '/admin/shelves', { headers: { authorization: 'Bearer wrong-token-guess' } }));
      expect(admin.map((r) => r.status)).toEqual([401, 401, 401, 401, 429, 429]);
    } finally {
      await other.close();
      await bff.close();
    }
  });

  it('failed admin tokens per IP: once the quota is spent even the right token is 429 from that IP; a success costs nothing', async () => {
    const bff = await startBff({ RATE_AUTH_FAILURES_PER_IP: '3/60', TRUST_PROXY: '1' });
    try {
      const good = { authorization: `Bearer ${bff.config.adminToken}` };
      const from = (ip: string, headers: Record<string, string>) => ({ ...headers, 'x-forwarded-for': ip });
      for (let i = 0; i < 5; i++) expect((await send(bff.origin, 'GET', '/admin/shelves', { headers: from('203.0.113.1', good) })).status).toBe(200);
      const wrong = [];
      for (let i = 0; i < 4; i++) wrong.push(await send(bff.origin, 'GET', '/admin/shelves', { headers: from('203.0.113.9', { authorization: `Bearer guess-${i}` }) }));
      expect(wrong.map((r) => r.status)).toEqual([401, 401, 401, 429]);
      expect429(wrong[3]!, 60);
      expect((await send(bff.origin, 'GET', '/admin/shelves', { headers: from('203.0.113.9', good) })).status).toBe(429);
      // Another client is not locked out by the guesser.
      expect((await send(bff.origin, 'GET', '/admin/shelves', { headers: from('203.0.113.1', good) })).status).toBe(200);
    } finally {
      await bff.close();
    }
  });

  it('failed terminal keys per IP on /pos', async () => {
    const bff = await startBff({ RATE_AUTH_FAILURES_PER_IP: '3/60' });
    try {
      const till = await terminal(bff);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await send(bff.origin, 'GET', '/pos/redemptions?code=123456789012', { headers: { authorization: `Bearer tk_guess_${i}` } })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      const withKey = await send(bff.origin, 'GET', '/pos/redemptions?code=123456789012', { headers: { authorization: `Bearer ${till.key}` } });
      expect429(withKey, 60);
    } finally {
      await bff.close();
    }
  });

  it("landing pages per client IP (each order guess is an order/get): an HTML 429 with Retry-After, WeChat not asked", async () => {
    const bff = await startBff({ RATE_LANDING_PER_IP: '3/60' });
    try {
      const before = bff.world.calls.all()['order.getOrder'] ?? 0;
      const pages = [];
      const getOrders = () => (bff.world.calls.all()['order.getOrder'] ?? 0) - before;
      for (let i = 0; i < 3; i++) pages.push(await send(bff.origin, 'GET', `/landing/order?order_id=guess-${i}&openid=o_guesser`));
      // Each page within the quota is a real lookup (a complete link: order_id and openid).
      expect(pages.map((r) => r.status)).toEqual([403, 403, 403]);
      expect(getOrders()).toBe(3);
      for (let i = 3; i < 5; i++) pages.push(await send(bff.origin, 'GET', `/landing/order?order_id=guess-${i}&openid=o_guesser`));
      expect429(pages[3]!, 60);
      expect429(pages[4]!, 60);
      expect(pages[3]!.text).toContain('访问太频繁');
      // None after the 429.
      expect(getOrders()).toBe(3);
      // The stylesheet is not a lookup.
      expect((await send(bff.origin, 'GET', WEUI_CSS_PATH)).status).toBe(200);
    } finally {
      await bff.close();
    }
  });

  it('per session on /api, and invoice requests per user', async () => {
    const bff = await startBff({ RATE_API_PER_SESSION: '4/60', RATE_INVOICE_PER_USER: '2/3600' });
    try {
      const login = async (openid: string) => {
        const { code } = await bff.control<{ code: string }>('users/login', { openid });
        return JSON.parse((await send(bff.origin, 'POST', '/api/session', { body: { code } })).text).token as string;
      };
      const a = await login('mini_rate_a');
      const b = await login('mini_rate_b');
      const auth = (t: string) => ({ authorization: `Bearer ${t}` });
      const invoice = { type: 'personal', title: '张三', email: 'a@example.com' };
      const inv = [];
      for (let i = 0; i < 3; i++) inv.push((await send(bff.origin, 'POST', '/api/orders/order-x/invoice', { body: invoice, headers: auth(a) })).status);
      expect(inv).toEqual([404, 404, 429]);
      const lists = [];
      for (let i = 0; i < 2; i++) lists.push((await send(bff.origin, 'GET', '/api/cards', { headers: auth(a) })).status);
      expect(lists).toEqual([200, 429]);
      expect((await send(bff.origin, 'GET', '/api/cards', { headers: auth(b) })).status).toBe(200);
    } finally {
      await bff.close();
    }
  });

  it('quotas are settings: points/seconds or off', () => {
    const quotas = loadConfig({ SANDBOX: '1' }).rateQuotas;
    expect(quotas).toEqual({
      loginPerIp: { points: 30, durationS: 60 },
      apiPerSession: { points: 600, durationS: 60 },
      landingPerIp: { points: 60, durationS: 60 },
      authFailuresPerIp: { points: 20, durationS: 600 },
      invoicePerUser: { points: 10, durationS: 3600 },
    });
    expect(loadConfig({ SANDBOX: '1', RATE_LOGIN_PER_IP: 'off' }).rateQuotas.loginPerIp).toBeNull();
    for (const bad of ['30', '0/60', '30/0', 'x/y', '30/60/1']) expect(() => loadConfig({ SANDBOX: '1', RATE_LOGIN_PER_IP: bad })).toThrow(/RATE_LOGIN_PER_IP/);
  });
});

describe('TRUST_PROXY', () => {
  it('=1: the client IP is the address the proxy appended to X-Forwarded-For (one a client wrote further left is ignored)', async () => {
    const bff = await startBff({ RATE_LOGIN_PER_IP: '2/60', TRUST_PROXY: '1' });
    try {
      const via = (xff: string) => badLogin(bff.origin, { 'x-forwarded-for': xff });
      expect((await via('198.51.100.1')).status).toBe(401);
      expect((await via('198.51.100.1')).status).toBe(401);
      expect((await via('198.51.100.1')).status).toBe(429);
      // A spoofed left-hand entry does not make a new client.
      expect((await via('10.9.9.9, 198.51.100.1')).status).toBe(429);
      expect((await via('198.51.100.2')).status).toBe(401);
    } finally {
      await bff.close();
    }
  });

  it('=0 (default): X-Forwarded-For is ignored, so it cannot be used to dodge a quota', async () => {
    const bff = await startBff({ RATE_LOGIN_PER_IP: '2/60' });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await badLogin(bff.origin, { 'x-forwarded-for': `198.51.100.${i}` })).status);
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await bff.close();
    }
  });

  it.each([
    ['1', 'https', true],
    ['1', 'http', false],
    ['0', 'https', false],
  ])('TRUST_PROXY=%s behind a %s proxy: the landing ticket cookie is Secure: %s', async (trust, proto, secure) => {
    const bff = await startBff({ TRUST_PROXY: trust });
    try {
      await createProduct(bff);
      const ticket = await scan(bff, 'o_proxy_visitor');
      const r = await send(bff.origin, 'GET', productPath(ticket), { headers: { 'x-forwarded-proto': proto } });
      expect(r.status).toBe(200);
      expect(r.cookies).toHaveLength(1);
      expect(/;\s*secure(;|$)/i.test(r.cookies[0]!)).toBe(secure);
    } finally {
      await bff.close();
    }
  });
});
