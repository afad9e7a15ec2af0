import { shelf } from '../support/giftcards';
import { admin as adminCall, call, login, purchase, start, until, type Bff } from './support';

/**
 * What the Mini Program needs to tell a consumer the right thing: the bound shelf with its prices in
 * one call, whether the merchant took it off sale, WeChat's transient failures kept apart from "not
 * found", a card the user gave away named as such, and the merchant's phone on an order.
 */
describe('the Mini Program API for consumer states', () => {
  let bff: Bff;
  let token: string;
  let bought: Awaited<ReturnType<typeof purchase>>;
  const admin = (method: string, path: string, body?: unknown) => adminCall(bff, method, path, body);

  beforeAll(async () => {
    bff = await start();
    bought = await purchase(bff, 'svc_giver');
    token = await login(bff, 'mini_giver');
    // The card jump links the Mini Program user to the buyer.
    const opened = await call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code: bought.encryptCode, card_id: bought.cardId, openid: 'svc_giver' } });
    expect(opened.status).toBe(200);
  });
  afterAll(() => bff.close());

  it('GET /api/shelf answers the bound shelf itself, with its prices and on sale, in one call', async () => {
    const set = await admin('POST', '/wxa', { wxa_appid: bff.config.wxaAppid, page_id: bought.shop.pageId });
    expect(set.status).toBe(200);
    const res = await call(bff, 'GET', '/api/shelf', { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ wxa_appid: bff.config.wxaAppid, page_id: bought.shop.pageId, on_sale: true, page: { page_title: '礼品卡' } });
    expect(res.body.page.theme_list[0].item_list.map((i: { card_id: string }) => i.card_id)).toEqual(bought.shop.cardIds);
  });

  it('a shelf the merchant set to maintenance (maintain/set) is answered off sale, and on sale again after', async () => {
    const path = `/api/shelves/${encodeURIComponent(bought.shop.pageId)}`;
    expect((await call(bff, 'GET', path, { token })).body.on_sale).toBe(true);
    expect((await admin('POST', '/shelves/maintain', { page_id: bought.shop.pageId, maintain: true })).status).toBe(200);
    expect((await call(bff, 'GET', path, { token })).body).toMatchObject({ page_id: bought.shop.pageId, on_sale: false });
    expect((await call(bff, 'GET', '/api/shelf', { token })).body.on_sale).toBe(false);
    // Another shelf is still on sale; all of them off sale takes it down too.
    const other = await admin('POST', '/shelves', shelf(bought.shop.cardIds));
    const otherPath = `/api/shelves/${encodeURIComponent(other.body.page_id)}`;
    expect((await call(bff, 'GET', otherPath, { token })).body.on_sale).toBe(true);
    expect((await admin('POST', '/shelves/maintain', { all: true, maintain: true })).status).toBe(200);
    expect((await call(bff, 'GET', otherPath, { token })).body.on_sale).toBe(false);
    expect((await admin('POST', '/shelves/maintain', { all: true, maintain: false })).status).toBe(200);
    expect((await call(bff, 'GET', path, { token })).body.on_sale).toBe(true);
    expect((await call(bff, 'GET', otherPath, { token })).body.on_sale).toBe(true);
  });

  it("WeChat busy (-1, after the core's retries) is 503 wechat_busy and a timeout 504 wechat_timeout, never 404", async () => {
    await bff.control('faults', { endpoint: 'code.getCode', errcode: -1, times: 4 });
    const busy = await call(bff, 'GET', `/api/cards/${bought.code}`, { token });
    expect(busy).toMatchObject({ status: 503, body: { error: { code: 'wechat_busy' } } });
    await bff.control('faults', { endpoint: 'code.decryptCode', errcode: -1, times: 4 });
    const busyJump = await call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code: bought.encryptCode, card_id: bought.cardId } });
    expect(busyJump).toMatchObject({ status: 503, body: { error: { code: 'wechat_busy' } } });
    await bff.control('faults', { endpoint: 'giftcard.getPage', errcode: -1, times: 4 });
    await bff.db.redis.del(bff.db.keys.shelfCache(bought.shop.pageId));
    expect(await call(bff, 'GET', `/api/shelves/${encodeURIComponent(bought.shop.pageId)}`, { token })).toMatchObject({ status: 503, body: { error: { code: 'wechat_busy' } } });
    await bff.control('faults', { endpoint: 'code.getCode', delayMs: 5_500, times: 1 });
    const slow = await call(bff, 'GET', `/api/cards/${bought.code}`, { token });
    expect(slow).toMatchObject({ status: 504, body: { error: { code: 'wechat_timeout' } } });
    // Healthy again: the card.
    expect((await call(bff, 'GET', `/api/cards/${bought.code}`, { token })).status).toBe(200);
  }, 20_000);

  it("GET /api/orders/:orderId carries the shelf's service phone, for the consumer's 联系商家", async () => {
    const withPhone = await admin('PUT', `/shelves/${encodeURIComponent(bought.shop.pageId)}`, { service_phone: '020-88888888' });
    expect(withPhone.status).toBe(200);
    const res = await call(bff, 'GET', `/api/orders/${bought.order.order_id}`, { token });
    expect(res.status).toBe(200);
    expect(res.body.service_phone).toBe('020-88888888');
  });

  it('a card the user gave to a friend is 410 given_away to them (the jump and by code), 404 to anyone else', async () => {
    await bff.control('codes/gift', { code: bought.code, openid: 'svc_giver', friend_openid: 'svc_friend' });
    await bff.control('codes/accept', { code: bought.code, openid: 'svc_friend' });
    await until(async () => (await bff.projector!.store.card(bought.code))?.owner === 'svc_friend', 'the accepted card');
    expect(await call(bff, 'GET', `/api/cards/${bought.code}`, { token })).toMatchObject({ status: 410, body: { error: { code: 'given_away' } } });
    expect(await call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code: bought.encryptCode, card_id: bought.cardId } })).toMatchObject({
      status: 410,
      body: { error: { code: 'given_away' } },
    });
    const stranger = await login(bff, 'mini_stranger');
    expect(await call(bff, 'GET', `/api/cards/${bought.code}`, { token: stranger })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });
});
