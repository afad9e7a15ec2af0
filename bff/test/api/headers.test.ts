import { call, login, purchase, start, type Bff } from './support';

/** Answers that carry card codes must never be cached or sniffed (CONTRACT.md "Hardening"). */
describe('/api answers: Cache-Control no-store and X-Content-Type-Options nosniff', () => {
  let bff: Bff;
  let token: string;
  let bought: Awaited<ReturnType<typeof purchase>>;
  beforeAll(async () => {
    bff = await start();
    bought = await purchase(bff, 'svc_headers');
    token = await login(bff, 'mini_headers');
    expect((await call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code: bought.encryptCode, card_id: bought.cardId, openid: 'svc_headers' } })).status).toBe(200);
  });
  afterAll(() => bff.close());

  it.each([
    ['GET', '/api/cards'],
    ['GET', '/api/orders'],
    ['GET', '/api/cards/CODE'],
    ['GET', '/api/cards/CODE/history'],
    ['GET', '/api/orders/ORDER'],
    ['POST', '/api/cards/open'],
    ['GET', '/api/nope'],
  ])('%s %s', async (method, path) => {
    const res = await fetch(`${bff.origin}${path.replace('CODE', bought.code).replace('ORDER', bought.order.order_id)}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: method === 'POST' ? JSON.stringify({ encrypt_code: bought.encryptCode, card_id: bought.cardId, openid: 'svc_headers' }) : undefined,
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('errors too (401 without a session)', async () => {
    const res = await fetch(`${bff.origin}/api/cards`);
    expect(res.status).toBe(401);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
