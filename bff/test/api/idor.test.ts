import { call, login, purchase, start, type Bff } from './support';

/** User B, with a session of their own, tries every route with everything of user A's. */
describe('IDOR sweep: nothing of A is ever given to B', () => {
  let bff: Bff;
  let a: Awaited<ReturnType<typeof purchase>>;
  let b: Awaited<ReturnType<typeof purchase>>;
  let tokenA: string;
  let tokenB: string;
  let tokenC: string;
  const secretsOfA = () => [a.code, a.encryptCode, a.order.order_id, 'svc_a'];

  beforeAll(async () => {
    bff = await start();
    a = await purchase(bff, 'svc_a');
    b = await purchase(bff, 'svc_b', a.shop);
    [tokenA, tokenB, tokenC] = await Promise.all([login(bff, 'mini_a'), login(bff, 'mini_b'), login(bff, 'mini_c')]);
    // A links by their own card jump and asks for an invoice.
    expect((await call(bff, 'POST', '/api/cards/open', { token: tokenA, body: { encrypt_code: a.encryptCode, card_id: a.cardId, openid: 'svc_a' } })).status).toBe(200);
    expect((await call(bff, 'POST', `/api/orders/${a.order.order_id}/invoice`, { token: tokenA, body: { type: 'personal', title: 'A', email: 'a@a.cn' } })).status).toBe(201);
  });
  afterAll(() => bff.close());

  it("B posting A's encrypt_code with A's openid is 404 and does not link B to A", async () => {
    for (const token of [tokenB, tokenC]) {
      const res = await call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code: a.encryptCode, card_id: a.cardId, openid: 'svc_a' } });
      expect(res).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    }
    expect(await bff.db.redis.get(bff.db.keys.miniLink('mini_b'))).toBeNull();
    expect(await bff.db.redis.get(bff.db.keys.miniLink('mini_c'))).toBeNull();
    expect(await bff.db.redis.get(bff.db.keys.serviceLink('svc_a'))).toBe('mini_a');
  });

  it("B posting A's encrypt_code with B's own openid is 404 (and does not link B)", async () => {
    const res = await call(bff, 'POST', '/api/cards/open', { token: tokenB, body: { encrypt_code: a.encryptCode, card_id: a.cardId, openid: 'svc_b' } });
    expect(res.status).toBe(404);
    expect(await bff.db.redis.get(bff.db.keys.miniLink('mini_b'))).toBeNull();
  });

  it("B, linked to their own account, still gets nothing of A's from any route", async () => {
    expect((await call(bff, 'POST', '/api/cards/open', { token: tokenB, body: { encrypt_code: b.encryptCode, card_id: b.cardId, openid: 'svc_b' } })).status).toBe(200);
    // Once linked, B cannot be re-linked to A's account by A's jump either.
    expect((await call(bff, 'POST', '/api/cards/open', { token: tokenB, body: { encrypt_code: a.encryptCode, card_id: a.cardId, openid: 'svc_a' } })).status).toBe(404);
    expect(await bff.db.redis.get(bff.db.keys.miniLink('mini_b'))).toBe('svc_b');

    const id = encodeURIComponent(a.order.order_id);
    const attempts = [
      ['GET', `/api/orders/${id}`],
      ['GET', `/api/orders/${id}/invoice`],
      ['POST', `/api/orders/${id}/invoice`, { type: 'personal', title: 'B', email: 'b@b.cn' }],
      ['POST', '/api/cards/open', { encrypt_code: a.encryptCode, card_id: a.cardId }],
      ['POST', '/api/cards/open', { encrypt_code: a.encryptCode, card_id: a.cardId, openid: 'svc_a', outer_str: 'x' }],
      ['GET', `/api/orders/${encodeURIComponent(a.code)}`],
      ['GET', '/api/orders/guessed-order-id'],
      ['GET', `/api/cards/${encodeURIComponent(a.code)}`],
      ['GET', `/api/cards/${encodeURIComponent(a.code)}/history`],
      ['GET', '/api/cards/999999999999'],
    ] as const;
    for (const [method, path, body] of attempts) {
      const res = await call(bff, method, path, { token: tokenB, body });
      expect([method, path, res.status]).toEqual([method, path, 404]);
      for (const s of secretsOfA()) expect(res.text).not.toContain(s);
    }
    // The lists hold only B's things.
    for (const path of ['/api/cards', '/api/orders', '/api/orders?limit=100']) {
      const res = await call(bff, 'GET', path, { token: tokenB });
      expect(res.status).toBe(200);
      expect(res.text).toContain(b.order.order_id);
      for (const s of secretsOfA()) expect(res.text).not.toContain(s);
    }
    // Client-supplied openids are not accepted anywhere.
    expect((await call(bff, 'GET', '/api/orders?openid=svc_a', { token: tokenB })).status).toBe(400);
    // A's invoice request is untouched.
    const inv = await call(bff, 'GET', `/api/orders/${id}/invoice`, { token: tokenA });
    expect(inv.body.request).toMatchObject({ title: 'A', email: 'a@a.cn' });
  });

  it("a forged or foreign session cannot read A's things", async () => {
    const res = await call(bff, 'GET', `/api/orders/${a.order.order_id}`, { headers: { Authorization: 'Bearer v1.eyJzdWIiOiJtaW5pX2EiLCJleHAiOjk5OTk5OTk5OTl9.AAAA' } });
    expect(res.status).toBe(401);
  });
});
