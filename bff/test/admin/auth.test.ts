import { ADMIN_OPERATIONS } from '../../src/admin/operations';
import { startAdmin, type TestAdmin } from './support';

/** Every route of the table, with its path parameters filled in. */
const routes = ADMIN_OPERATIONS.map((o) => ({ method: o.method, path: o.path.replace(/:[A-Za-z_]+/g, '1'), name: `${o.area} ${o.name}` }));

describe('merchant API authentication (Bearer ADMIN_TOKEN)', () => {
  let admin: TestAdmin;

  beforeAll(async () => {
    // Hundreds of wrong tokens from one IP: the failed-token quota is off here (its own test: test/http/rate-limits.test.ts).
    admin = await startAdmin({ RATE_AUTH_FAILURES_PER_IP: 'off' });
  });
  afterAll(async () => {
    await admin.close();
  });
  beforeEach(() => admin.world.calls.reset());

  const unauthorized = async (method: string, path: string, authorization: string | null) => {
    const res = await fetch(`${admin.origin}/admin${path}`, {
      method,
      headers: { ...(authorization !== null && { authorization }), ...(method !== 'GET' && { 'content-type': 'application/json' }) },
      body: method === 'GET' ? undefined : '{}',
    });
    return { status: res.status, body: (await res.json()) as unknown, challenge: res.headers.get('www-authenticate') };
  };

  it.each(routes)('$method $path ($name): 401 without the token, with a wrong one, or another scheme', async ({ method, path }) => {
    const token = admin.config.adminToken;
    for (const authorization of [null, '', 'Bearer', `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, 'Bearer wrong-token', `Basic ${token}`, token, `Bearer ${token} extra`]) {
      const r = await unauthorized(method, path, authorization);
      expect({ authorization, status: r.status }).toEqual({ authorization, status: 401 });
      expect(r.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      expect(r.challenge).toBe('Bearer realm="admin"');
    }
    expect(admin.wechatCalls()).toEqual({});
  });

  it('authenticates before routing: an unknown path is 401 to a stranger and 404 to the merchant', async () => {
    expect((await unauthorized('GET', '/no/such/route', null)).status).toBe(401);
    expect((await admin.get('/no/such/route')).status).toBe(404);
    expect((await unauthorized('GET', '', null)).status).toBe(401);
  });

  it('accepts the token with any case of "Bearer"', async () => {
    const r = await admin.get('/shelves', { token: null, headers: { authorization: `bearer ${admin.config.adminToken}` } });
    expect(r.status).toBe(200);
  });

  it('leaves the other routes alone', async () => {
    expect((await fetch(`${admin.origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${admin.origin}/administrator`)).status).toBe(404);
  });
});
