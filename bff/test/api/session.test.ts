import { IdentityLinks } from '../../src/api/identity';
import { SessionTokens } from '../../src/api/session';
import { call, login, purchase, start, type Bff } from './support';

describe('session tokens', () => {
  const secret = 'x'.repeat(32);
  it('verifies its own tokens until they expire', () => {
    let now = 1_000_000;
    const tokens = new SessionTokens(secret, () => now, 60);
    const { token, expiresIn } = tokens.mint('o_mini');
    expect(expiresIn).toBe(60);
    expect(tokens.verify(token)).toEqual({ sub: 'o_mini', exp: 1_000_060 });
    now += 60;
    expect(tokens.verify(token)).toBeNull();
  });
  it('refuses a token signed with another secret, or altered', () => {
    const tokens = new SessionTokens(secret);
    const { token } = tokens.mint('o_mini');
    expect(new SessionTokens('y'.repeat(32)).verify(token)).toBeNull();
    const [v, , sig] = token.split('.');
    const forged = `${v}.${Buffer.from(JSON.stringify({ sub: 'o_other', exp: 9e9 })).toString('base64url')}.${sig}`;
    expect(tokens.verify(forged)).toBeNull();
    expect(tokens.verify('garbage')).toBeNull();
  });
});

describe('POST /api/session and bearer auth', () => {
  let bff: Bff;
  beforeAll(async () => {
    bff = await start();
  });
  afterAll(() => bff.close());

  it('exchanges a wx.login code for a session; the code works once', async () => {
    const { code } = await bff.control<{ code: string }>('users/login', { openid: 'mini_a' });
    const first = await call(bff, 'POST', '/api/session', { body: { code } });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ token: expect.any(String), expiresIn: 7200 });
    expect(first.text).not.toMatch(/session_key|mini_a/);
    const again = await call(bff, 'POST', '/api/session', { body: { code } });
    expect(again.status).toBe(401);
    expect(again.body).toEqual({ error: { code: 'invalid_code', message: expect.any(String) } });
    // Nothing of WeChat's session is stored.
    const keys = await bff.db.redis.keys(`${bff.db.prefix}*`);
    for (const k of keys) expect(k).not.toMatch(/session/);
  });

  it('validates the body and never takes an openid from the client', async () => {
    expect((await call(bff, 'POST', '/api/session', { body: {} })).status).toBe(400);
    expect((await call(bff, 'POST', '/api/session', { body: { code: 'x', openid: 'mini_a' } })).status).toBe(400);
    const bad = await call(bff, 'POST', '/api/session', { raw: '{not json' });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'bad_json' } } });
    expect((await call(bff, 'POST', '/api/session', { body: { code: 'never-issued' } })).status).toBe(401);
  });

  it('answers 401 JSON to a missing, bad or expired token', async () => {
    const expired = new SessionTokens(bff.config.sessionSecret, () => Math.floor(Date.now() / 1000) - 3 * 3600).mint('mini_a').token;
    const foreign = new SessionTokens('z'.repeat(40)).mint('mini_a').token;
    for (const token of [undefined, 'nonsense', expired, foreign]) {
      const res = await call(bff, 'GET', '/api/cards', { token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
    const token = await login(bff, 'mini_a');
    expect(await call(bff, 'GET', '/api/cards', { token })).toMatchObject({ status: 200, body: { cards: [] } });
  });

  it('links by unionid when WeChat vouches for it at login', async () => {
    const { order } = await purchase(bff, 'svc_u');
    await new IdentityLinks(bff.db.redis, bff.db.keys).learnUnionid('svc_u', 'union_1');
    const stranger = await login(bff, 'mini_x', 'union_other');
    expect((await call(bff, 'GET', `/api/orders/${order.order_id}`, { token: stranger })).status).toBe(404);
    const token = await login(bff, 'mini_u', 'union_1');
    const res = await call(bff, 'GET', `/api/orders/${order.order_id}`, { token });
    expect(res).toMatchObject({ status: 200, body: { order_id: order.order_id, role: 'buyer' } });
  });

  it('answers unknown /api routes 404 and wrong methods 405, as JSON', async () => {
    const token = await login(bff, 'mini_a');
    expect(await call(bff, 'GET', '/api/nope', { token })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(await call(bff, 'DELETE', '/api/cards', { token })).toMatchObject({ status: 405, body: { error: { code: 'method_not_allowed' } } });
  });
});
