import { giftCard, shelf } from '../support/giftcards';
import type { TestSandbox } from '../support/sandbox';
import { admin as adminCall, call, login, purchase, start, until, type Bff } from './support';

describe('the Mini Program API, end to end against the sandbox', () => {
  let bff: Bff;
  let token: string;
  let bought: Awaited<ReturnType<typeof purchase>>;
  const admin = (method: string, path: string, body?: unknown) => adminCall(bff, method, path, body);

  beforeAll(async () => {
    bff = await start();
    bought = await purchase(bff, 'svc_buyer');
    token = await login(bff, 'mini_buyer');
  });
  afterAll(() => bff.close());

  it('GET /api/shelves/:pageId serves the shelf from a cache the merchant update clears', async () => {
    const first = await call(bff, 'GET', `/api/shelves/${encodeURIComponent(bought.shop.pageId)}`, { token });
    expect(first.status).toBe(200);
    expect(first.body.page_id).toBe(bought.shop.pageId);
    expect(first.body.page.page_title).toBe('礼品卡');
    expect(await bff.db.redis.ttl(bff.db.keys.shelfCache(bought.shop.pageId))).toBeGreaterThan(0);
    // need_receipt too: page/get does not answer it, and an update that leaves it out turns invoicing off (§7.2 default).
    const upd = await admin('PUT', `/shelves/${encodeURIComponent(bought.shop.pageId)}`, { page_title: '新标题', need_receipt: true });
    expect(upd.status).toBe(200);
    const after = await call(bff, 'GET', `/api/shelves/${encodeURIComponent(bought.shop.pageId)}`, { token });
    expect(after.body.page.page_title).toBe('新标题');
    expect(await call(bff, 'GET', '/api/shelves/no-such-page', { token })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it('GET /api/shelves/:pageId carries the price of each card the merchant created through /admin/cards', async () => {
    const created = await admin('POST', '/cards', giftCard({ world: bff.world } as TestSandbox, { price: 8800, title: '感恩卡' }));
    expect(created.status).toBe(200);
    const cardId = created.body.card_id as string;
    const page = await admin('POST', '/shelves', shelf([cardId, bought.shop.cardIds[0]!]));
    expect(page.status).toBe(200);
    const res = await call(bff, 'GET', `/api/shelves/${encodeURIComponent(page.body.page_id)}`, { token });
    expect(res.status).toBe(200);
    // The card made through the merchant API has its price; the one made behind the BFF's back has none.
    expect(res.body.prices).toEqual({ [cardId]: 8800 });
  });

  it('GET /api/shelf is 404 until the merchant binds a shelf with wxa/set', async () => {
    expect(await call(bff, 'GET', '/api/shelf', { token })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const set = await admin('POST', '/wxa', { wxa_appid: bff.config.wxaAppid, page_id: bought.shop.pageId });
    expect(set.status).toBe(200);
    // The bound shelf itself, as /api/shelves/:pageId answers it (the app's first page makes one call).
    const bound = await call(bff, 'GET', '/api/shelf', { token });
    const byId = await call(bff, 'GET', `/api/shelves/${encodeURIComponent(bought.shop.pageId)}`, { token });
    expect(bound).toEqual(expect.objectContaining({ status: 200, body: { wxa_appid: bff.config.wxaAppid, ...byId.body } }));
    expect(bound.body.page_id).toBe(bought.shop.pageId);
  });

  it('an unlinked user sees no cards and no orders', async () => {
    expect((await call(bff, 'GET', '/api/cards', { token })).body).toEqual({ cards: [] });
    expect((await call(bff, 'GET', '/api/orders', { token })).body).toMatchObject({ total: 0, orders: [] });
    expect((await call(bff, 'GET', `/api/orders/${bought.order.order_id}`, { token })).status).toBe(404);
  });

  it('POST /api/cards/open links the holder by the card jump and returns the card', async () => {
    const res = await call(bff, 'POST', '/api/cards/open', {
      token,
      body: { encrypt_code: bought.encryptCode, card_id: bought.cardId, openid: 'svc_buyer', outer_str: 'from-card' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ card_id: bought.cardId, code: bought.code, order_id: bought.order.order_id, balance: 5000, face_value: 5000, status: 'NORMAL', can_consume: true, title: null });
    expect(res.body.begin_time).toEqual(expect.any(Number));
    expect(await bff.db.redis.get(bff.db.keys.miniLink('mini_buyer'))).toBe('svc_buyer');
    // Again without the openid: the link stands.
    const again = await call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code: bought.encryptCode, card_id: bought.cardId } });
    expect(again.status).toBe(200);
    // The code is not for that card: 404.
    expect((await call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code: bought.encryptCode, card_id: 'pOther' } })).status).toBe(404);
    expect((await call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code: 'bogus', card_id: bought.cardId } })).status).toBe(404);
    expect((await call(bff, 'POST', '/api/cards/open', { token, body: { card_id: bought.cardId } })).status).toBe(400);
  });

  it('GET /api/cards and /api/orders show the linked user what is theirs', async () => {
    const cards = await call(bff, 'GET', '/api/cards', { token });
    expect(cards.body.cards).toEqual([expect.objectContaining({ code: bought.code, card_id: bought.cardId, balance: 5000, price: 5000, face_value: 5000, order_id: bought.order.order_id })]);
    // A card created behind the BFF's back (not through /admin/cards): no title or texts known.
    expect(cards.body.cards[0]).toMatchObject({ title: null, notice: null, description: null });
    await purchase(bff, 'svc_buyer', bought.shop);
    const all = await call(bff, 'GET', '/api/orders?offset=0&limit=1', { token });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 2, offset: 0, limit: 1 });
    expect(all.body.orders).toHaveLength(1);
    const next = await call(bff, 'GET', '/api/orders?offset=1&limit=1', { token });
    expect(next.body.orders.map((o: { order_id: string }) => o.order_id)).not.toEqual(all.body.orders.map((o: { order_id: string }) => o.order_id));
    expect((await call(bff, 'GET', '/api/orders?limit=0', { token })).status).toBe(400);
    expect((await call(bff, 'GET', '/api/orders?limit=abc', { token })).status).toBe(400);
    const one = await call(bff, 'GET', `/api/orders/${bought.order.order_id}`, { token });
    expect(one.body).toMatchObject({ order_id: bought.order.order_id, total_price: 5000, state: 'paid', role: 'buyer', cards: [{ mine: true, code: bought.code, balance: 5000, title: null }] });
    // The openid is only in the after-sales urls (next test), never in the order itself.
    const { after_sales: _links, ...order } = one.body;
    expect(JSON.stringify(order)).not.toContain('svc_buyer');
  });

  it("GET /api/orders/:orderId gives the buyer the shelf's after-sales cells as WeChat opens them: with order_id and the buyer's openid", async () => {
    const id = encodeURIComponent(bought.order.order_id);
    const one = await call(bff, 'GET', `/api/orders/${id}`, { token });
    expect(one.body.after_sales).toEqual([
      { title: '申请发票', url: `https://open.weixin.qq.com/?order_id=${id}&openid=svc_buyer` },
      { title: '申请退款', url: `https://mp.weixin.qq.com/?order_id=${id}&openid=svc_buyer` },
    ]);

    // The shelf cannot be read (not cached, WeChat failing): the order still shows, without links.
    await bff.db.redis.del(bff.db.keys.shelfCache(bought.shop.pageId));
    bff.world.faults.arm({ endpoint: 'giftcard.getPage', errcode: 40097, errmsg: 'invalid args', times: 1 });
    try {
      const without = await call(bff, 'GET', `/api/orders/${id}`, { token });
      expect(without.status).toBe(200);
      expect(without.body).toMatchObject({ order_id: bought.order.order_id, after_sales: [] });
    } finally {
      bff.world.faults.reset();
    }
  });

  it("GET /api/orders/:orderId: the receiver of a gift sees the order, without the buyer's after-sales links", async () => {
    const gift = await purchase(bff, 'svc_giver', bought.shop);
    await bff.control('orders/send', { order_id: gift.order.order_id });
    await bff.control('orders/accept', { order_id: gift.order.order_id, openid: 'svc_friend' });
    await until(async () => (await bff.projector!.store.cardsOf('svc_friend')).length > 0, "the friend's card");
    const friend = await login(bff, 'mini_friend');
    const opened = await call(bff, 'POST', '/api/cards/open', { token: friend, body: { encrypt_code: gift.encryptCode, card_id: gift.cardId, openid: 'svc_friend' } });
    expect(opened.status).toBe(200);

    const seen = await call(bff, 'GET', `/api/orders/${encodeURIComponent(gift.order.order_id)}`, { token: friend });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ order_id: gift.order.order_id, role: 'receiver', after_sales: [] });
    expect(seen.text).not.toContain('svc_giver');
  });

  it('GET/POST /api/orders/:orderId/invoice stores the request for the merchant', async () => {
    const path = `/api/orders/${bought.order.order_id}/invoice`;
    expect(await call(bff, 'GET', path, { token })).toMatchObject({ status: 200, body: { order_id: bought.order.order_id, request: null } });
    const bad = [
      { type: 'company', title: 'ACME', email: 'a@b.cn' },
      { type: 'company', title: 'ACME', tax_no: '91440101abc', email: 'a@b.cn' },
      { type: 'personal', title: 'Li', email: 'not-an-email' },
      { type: 'other', title: 'Li', email: 'a@b.cn' },
      { type: 'personal', title: '', email: 'a@b.cn' },
    ];
    for (const body of bad) expect(await call(bff, 'POST', path, { token, body })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    // A tax number typed in lower case, with spaces, is the same number: stored upper-case.
    const ok = await call(bff, 'POST', path, { token, body: { type: 'company', title: '微信咖啡厅有限公司', tax_no: '91440101ma59 abcd1x', email: 'fin@acme.cn' } });
    expect(ok.status).toBe(201);
    expect(ok.body.request).toMatchObject({ order_id: bought.order.order_id, type: 'company', tax_no: '91440101MA59ABCD1X', submitted_at: expect.any(Number) });
    expect(ok.body.request.openid).toBeUndefined();
    expect((await call(bff, 'GET', path, { token })).body.request).toEqual(ok.body.request);
    // The merchant reads the stream.
    const entries = await bff.db.redis.xrange(bff.db.keys.invoiceRequests, '-', '+');
    expect(entries).toHaveLength(1);
    const fields = Object.fromEntries(entries[0]![1].reduce<string[][]>((acc, v, i, arr) => (i % 2 ? acc : [...acc, [v, arr[i + 1]!]]), []));
    expect(fields).toMatchObject({ order_id: bought.order.order_id, openid: 'svc_buyer' });
    expect(JSON.parse(fields.request!)).toMatchObject({ title: '微信咖啡厅有限公司', email: 'fin@acme.cn' });
  });

  it('never answers with a stack trace', async () => {
    const res = await call(bff, 'POST', '/api/cards/open', { token, raw: '[1,2' });
    expect(res.status).toBe(400);
    expect(res.text).not.toMatch(/at .*\.ts/);
  });
});
