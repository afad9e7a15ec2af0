import { request } from 'node:http';
import { SAMPLES } from '../../shared/test/fixtures/event-samples';
import { ADMIN_OPERATIONS } from '../../bff/src/admin/operations';
import { SessionTokens } from '../../bff/src/api/session';
import { call, login, purchase, type Bff } from '../../bff/test/api/support';
import { startBff } from '../../bff/test/support/app';
import { post, signedPush } from '../../bff/test/support/push';
import { terminal } from '../../bff/test/till/support';

/**
 * An outsider's and a logged-in user's sweep over every route (CONTRACT.md "Hardening"): /api, /admin,
 * /pos, the landing pages, the callback and the operations routes. Each check is a finding of the sweep
 * of issue 16 or a defence that must stay.
 */
const A = { service: 'svc_sweep_a', mini: 'mini_sweep_a' };
const B = { mini: 'mini_sweep_b' };

/** Every /api route a session reaches, with A's ids filled in. */
const apiRoutes = (a: { code: string; orderId: string }) =>
  [
    ['GET', '/api/shelf'],
    ['GET', '/api/shelves/some-page'],
    ['GET', '/api/cards'],
    ['GET', `/api/cards/${a.code}`],
    ['GET', `/api/cards/${a.code}/history`],
    ['GET', '/api/orders'],
    ['GET', `/api/orders/${encodeURIComponent(a.orderId)}`],
    ['GET', `/api/orders/${encodeURIComponent(a.orderId)}/invoice`],
    ['POST', `/api/orders/${encodeURIComponent(a.orderId)}/invoice`],
    ['POST', '/api/cards/open'],
    ['POST', '/api/scan/check'],
  ] as const;

const adminRoutes = ADMIN_OPERATIONS.map((o) => [o.method, `/admin${o.path.replace(/:[A-Za-z_]+/g, '1')}`] as const).concat([
  ['GET', '/admin/terminals'],
  ['GET', '/admin/identity/links'],
  ['DELETE', '/admin/identity/links/svc_sweep_a'],
]);
const posRoutes = [
  ['GET', '/pos/cards/123456789012'],
  ['POST', '/pos/redemptions'],
  ['POST', '/pos/redemptions/rd_x/reversal'],
  ['GET', '/pos/redemptions?code=123456789012'],
] as const;

function raw(origin: string, method: string, path: string, body: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
    const req = request(`${origin}${path}`, { method, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('attack sweep over every route', () => {
  let bff: Bff;
  let a: Awaited<ReturnType<typeof purchase>>;
  let tokenA: string;
  let tokenB: string;
  let till: Awaited<ReturnType<typeof terminal>>;

  beforeAll(async () => {
    // Quotas that the sweep's hundreds of requests from one IP do not reach; the limits have their own checks below.
    bff = await startBff({ RATE_AUTH_FAILURES_PER_IP: '100000/60', RATE_LANDING_PER_IP: '100000/60', RATE_LOGIN_PER_IP: '100000/60' }, { projector: true, pushRetryDelayMs: 20 });
    a = await purchase(bff, A.service);
    [tokenA, tokenB] = await Promise.all([login(bff, A.mini), login(bff, B.mini)]);
    expect((await call(bff, 'POST', '/api/cards/open', { token: tokenA, body: { encrypt_code: a.encryptCode, card_id: a.cardId, openid: A.service } })).status).toBe(200);
    till = await terminal(bff);
  });
  afterAll(() => bff.close());

  describe('IDOR: B reaches nothing of A', () => {
    it('on every /api route, with every id of A', async () => {
      // A's captured jump, replayed by B after A used it: links nothing.
      expect((await call(bff, 'POST', '/api/cards/open', { token: tokenB, body: { encrypt_code: a.encryptCode, card_id: a.cardId, openid: A.service } })).status).toBe(404);
      for (const [method, path] of apiRoutes({ code: a.code, orderId: a.order.order_id })) {
        const body =
          method === 'GET'
            ? undefined
            : path.endsWith('/invoice')
              ? { type: 'personal', title: 'B', email: 'b@b.cn' }
              : path === '/api/cards/open'
                ? { encrypt_code: a.encryptCode, card_id: a.cardId, openid: A.service }
                : { ticket: 'AAAAAAAAAAAA' };
        const res = await call(bff, method, path, { token: tokenB, body });
        for (const secret of [a.code, a.order.order_id, A.service]) expect(res.text).not.toContain(secret);
      }
      expect(await bff.db.redis.get(bff.db.keys.miniLink(B.mini))).toBeNull();
      expect(await bff.db.redis.get(bff.db.keys.serviceLink(A.service))).toBe(A.mini);
    });
  });

  describe('forged sessions and tokens', () => {
    const forgedSessions = () => {
      const [v, claims, sig] = tokenA.split('.');
      const other = new SessionTokens('x'.repeat(32)).mint(A.mini).token;
      const expired = new SessionTokens(bff.config.sessionSecret, () => 1_000_000).mint(A.mini).token;
      const swapped = `${v}.${Buffer.from(JSON.stringify({ sub: A.mini, exp: 9e9 })).toString('base64url')}.${sig}`;
      return [undefined, 'Bearer ', `Bearer ${tokenA}x`, `Bearer ${v}.${claims}.`, `Bearer ${other}`, `Bearer ${expired}`, `Bearer ${swapped}`, `Basic ${tokenA}`];
    };

    it('every /api route but login: 401 for a missing, altered, foreign-secret, expired or re-signed session', async () => {
      for (const [method, path] of apiRoutes({ code: a.code, orderId: a.order.order_id })) {
        for (const authorization of forgedSessions()) {
          const res = await fetch(`${bff.origin}${path}`, { method, headers: { 'content-type': 'application/json', ...(authorization !== undefined && { authorization }) }, body: method === 'POST' ? '{}' : undefined });
          expect([method, path, authorization, res.status]).toEqual([method, path, authorization, 401]);
        }
      }
    });

    it('every /admin route: 401 for a wrong or missing token; the terminal key opens nothing there', async () => {
      for (const [method, path] of adminRoutes) {
        for (const authorization of [undefined, 'Bearer wrong', `Bearer ${bff.config.adminToken}x`, `Bearer ${till.key}`, `Bearer ${tokenA}`]) {
          const res = await fetch(`${bff.origin}${path}`, { method, headers: { 'content-type': 'application/json', ...(authorization !== undefined && { authorization }) }, body: method === 'GET' || method === 'DELETE' ? undefined : '{}' });
          expect([method, path, res.status]).toEqual([method, path, 401]);
        }
      }
    });

    it('every /pos route: 401 for a wrong or missing key; the admin token opens nothing there', async () => {
      for (const [method, path] of posRoutes) {
        for (const authorization of [undefined, 'Bearer tk_wrong', `Bearer ${till.key}x`, `Bearer ${bff.config.adminToken}`, `Bearer ${tokenA}`]) {
          const res = await fetch(`${bff.origin}${path}`, { method, headers: { 'content-type': 'application/json', ...(authorization !== undefined && { authorization }) }, body: method === 'POST' ? '{}' : undefined });
          expect([method, path, res.status]).toEqual([method, path, 401]);
        }
      }
    });

    it('/metrics: 401 without its bearer, and neither the admin token nor a session opens it', async () => {
      for (const authorization of [undefined, `Bearer ${bff.config.adminToken}`, `Bearer ${tokenA}`]) {
        expect((await fetch(`${bff.origin}/metrics`, { headers: authorization ? { authorization } : {} })).status).toBe(401);
      }
    });
  });

  describe('hostile bodies', () => {
    const deep = `{"brand_info":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    const hostile = ['[]', '"text"', '{"a":', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}', deep];

    it('every JSON route answers 4xx (never 5xx, never a WeChat error) and nothing is polluted', async () => {
      const targets: Array<[string, string, Record<string, string>]> = [
        ...adminRoutes.filter(([m]) => m === 'POST' || m === 'PUT').map(([m, p]) => [m, p, { authorization: `Bearer ${bff.config.adminToken}` }] as [string, string, Record<string, string>]),
        ...posRoutes.filter(([m]) => m === 'POST').map(([m, p]) => [m, p, { authorization: `Bearer ${till.key}` }] as [string, string, Record<string, string>]),
        ...apiRoutes({ code: a.code, orderId: a.order.order_id }).filter(([m]) => m === 'POST').map(([m, p]) => [m, p, { authorization: `Bearer ${tokenA}` }] as [string, string, Record<string, string>]),
        ['POST', '/api/session', {}],
      ];
      for (const [method, path, headers] of targets) {
        if (path === '/admin/images') continue; // an image body, not JSON
        for (const body of hostile) {
          const res = await raw(bff.origin, method, path, body, headers);
          expect([method, path, body.slice(0, 20), res.status < 500]).toEqual([method, path, body.slice(0, 20), true]);
          // Deep: refused before anything walks it (over a small route's byte limit first: 413).
          if (body === deep) expect([path, JSON.parse(res.text).error.code]).toEqual([path, path.startsWith('/admin') ? 'too_deep' : expect.stringMatching(/^too_(deep|large)$/)]);
        }
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('an oversized body is 413 and the connection is closed', async () => {
      for (const [path, headers] of [['/api/session', {}], ['/pos/redemptions', { authorization: `Bearer ${till.key}` }]] as const) {
        const res = await raw(bff.origin, 'POST', path, JSON.stringify({ code: 'x'.repeat(64 * 1024) }), headers);
        expect([path, res.status, res.headers.connection]).toEqual([path, 413, 'close']);
      }
    });
  });

  describe('landing pages', () => {
    const xss = '"><script>alert(1)</script><img src=x onerror=alert(1)>';
    it.each(['/landing/product', '/landing/card', '/landing/order', '/landing/order/invoice'])('%s reflects nothing executable and sends a strict CSP', async (path) => {
      const q = new URLSearchParams({ wxkeystandard: xss, wxkeystr: xss, wxticket: xss, wxextinfo: xss, encrypt_code: xss, card_id: xss, openid: xss, order_id: xss });
      const res = await fetch(`${bff.origin}${path}?${q}`);
      const text = await res.text();
      expect(res.status).toBeLessThan(500);
      expect(text).not.toContain('<script>alert(1)');
      expect(text).not.toMatch(/<img[^>]+onerror/i);
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'none'|default-src 'none'/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    });
  });

  describe('the callback', () => {
    const target = () => ({ origin: bff.origin, token: bff.config.wechatToken });
    it('refuses forged, replayed-late, oversized and DOCTYPE pushes, and stores none of them', async () => {
      const before = await bff.db.redis.xlen(bff.db.keys.events);
      const forged = signedPush({ ...target(), token: 'not-the-token' }, SAMPLES.giftcard_pay_done);
      expect((await post(forged.url, forged.body)).status).toBe(401);
      const late = signedPush(target(), SAMPLES.giftcard_pay_done, { timestamp: String(Math.floor(Date.now() / 1000) - 400 * 86400) });
      expect((await post(late.url, late.body)).status).toBe(401);
      const fresh = signedPush(target(), SAMPLES.giftcard_pay_done);
      expect((await post(fresh.url, '<xml>' + 'x'.repeat(70 * 1024) + '</xml>')).status).toBe(413);
      expect((await post(fresh.url, '<!DOCTYPE x [<!ENTITY e "e">]><xml><a>&e;</a></xml>')).status).toBe(400);
      expect(await bff.db.redis.xlen(bff.db.keys.events)).toBe(before);
    });
  });

  describe('operations routes', () => {
    it("/readyz and an unknown route say nothing of the server's insides", async () => {
      const ready = await (await fetch(`${bff.origin}/readyz`)).text();
      expect(ready).not.toMatch(/redis:\/\/|ECONN|\d+\.\d+\.\d+\.\d+/);
      const unknown = await (await fetch(`${bff.origin}/nope`)).text();
      expect(unknown).not.toMatch(/at .*\.ts|node_modules/);
    });
  });
});

describe('attack sweep: abuse is rate limited (429 with Retry-After)', () => {
  it('bad login codes, order guesses on the landing page, admin and terminal guesses', async () => {
    const bff = await startBff({ RATE_LOGIN_PER_IP: '10/60', RATE_LANDING_PER_IP: '10/60', RATE_AUTH_FAILURES_PER_IP: '10/60' });
    try {
      const burst = async (n: number, one: () => Promise<Response>) => {
        const statuses: number[] = [];
        let retryAfter: string | null = null;
        for (let i = 0; i < n; i++) {
          const res = await one();
          statuses.push(res.status);
          if (res.status === 429) retryAfter = res.headers.get('retry-after');
          await res.arrayBuffer();
        }
        return { served: statuses.filter((s) => s !== 429).length, retryAfter };
      };
      const logins = await burst(40, () => fetch(`${bff.origin}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: `bad-${Math.random()}` }) }));
      const guesses = await burst(40, () => fetch(`${bff.origin}/landing/order?order_id=guess-${Math.random()}`));
      const admin = await burst(40, () => fetch(`${bff.origin}/admin/shelves`, { headers: { authorization: `Bearer guess-${Math.random()}` } }));
      const pos = await burst(40, () => fetch(`${bff.origin}/pos/redemptions?code=123456789012`, { headers: { authorization: `Bearer tk_${Math.random()}` } }));
      for (const r of [logins, guesses, admin, pos]) {
        expect(r.served).toBe(10);
        expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await bff.close();
    }
  });
});
