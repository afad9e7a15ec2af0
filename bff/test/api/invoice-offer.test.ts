import type { GiftCardOrder, ShelfPageInput } from '@giftcard/shared';
import { buy, giftCard, goLive, shelf } from '../support/giftcards';
import type { TestSandbox } from '../support/sandbox';
import { admin as adminCall, call, login, start, until, type Bff } from './support';

/** need_receipt decides whether an order can be invoiced (002 §7.2, §12.2.2). */
describe('invoices follow the shelf\'s need_receipt', () => {
  let bff: Bff;
  let token: string;
  const admin = (method: string, path: string, body?: unknown) => adminCall(bff, method, path, body);

  beforeAll(async () => {
    bff = await start();
    token = await login(bff, 'mini_invoice_buyer');
  });
  afterAll(() => bff.close());

  /** A shelf made through the merchant API (need_receipt recorded), or behind its back (`viaAdmin` false). */
  async function orderFrom(overrides: Partial<ShelfPageInput>, viaAdmin = true): Promise<GiftCardOrder> {
    const created = await admin('POST', '/cards', giftCard({ world: bff.world } as TestSandbox, { price: 3000 }));
    const cardId = created.body.card_id as string;
    const pageId = viaAdmin
      ? ((await admin('POST', '/shelves', shelf([cardId], overrides))).body.page_id as string)
      : (await bff.wechat.client.giftcard.addPage({ page: shelf([cardId], overrides) })).page_id;
    await goLive(bff.wechat, bff as unknown as TestSandbox, pageId);
    const order = await buy(bff as unknown as TestSandbox, { openid: 'svc_invoice_buyer', page_id: pageId, items: [{ card_id: cardId, count: 1 }] });
    await until(async () => (await bff.projector!.store.cardsOf('svc_invoice_buyer')).some((c) => c.order_id === order.order_id), 'the projected order');
    // The buyer opens the card from WeChat once: their Mini Program user is linked to the Service Account openid.
    const { encrypt_code } = await bff.control<{ encrypt_code: string }>('codes/encrypt', { code: order.card_list[0]!.code });
    const opened = await call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code, card_id: cardId, openid: 'svc_invoice_buyer' } });
    expect(opened.status).toBe(200);
    return order;
  }
  const request = { type: 'personal', title: '李雷', email: 'li@example.com' };

  it('need_receipt false: the order offers no invoice, and a request is refused 409 invoice_not_offered', async () => {
    const order = await orderFrom({ need_receipt: false });
    const path = `/api/orders/${order.order_id}`;
    expect((await call(bff, 'GET', path, { token })).body).toMatchObject({ role: 'buyer', invoice_offered: false });
    expect((await call(bff, 'GET', `${path}/invoice`, { token })).body).toMatchObject({ order_id: order.order_id, offered: false, request: null });
    const refused = await call(bff, 'POST', `${path}/invoice`, { token, body: request });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'invoice_not_offered' } } });
    expect(refused.body.error.message).toMatch(/need_receipt/);
    expect(await bff.db.redis.exists(bff.db.keys.invoiceRequest(order.order_id))).toBe(0);
  });

  it('need_receipt true: offered, and the request is stored', async () => {
    const order = await orderFrom({ need_receipt: true });
    const path = `/api/orders/${order.order_id}`;
    expect((await call(bff, 'GET', path, { token })).body).toMatchObject({ invoice_offered: true });
    expect((await call(bff, 'GET', `${path}/invoice`, { token })).body).toMatchObject({ offered: true });
    expect(await call(bff, 'POST', `${path}/invoice`, { token, body: request })).toMatchObject({ status: 201, body: { offered: true, request: { title: '李雷' } } });
  });

  it('a refunded order offers no invoice, whatever the shelf says: there is no payment left to invoice', async () => {
    const order = await orderFrom({ need_receipt: true });
    const path = `/api/orders/${order.order_id}`;
    expect((await admin('POST', `/orders/${order.order_id}/refund`)).status).toBe(200);
    expect((await call(bff, 'GET', path, { token })).body).toMatchObject({ state: 'refunded', invoice_offered: false });
    expect(await call(bff, 'POST', `${path}/invoice`, { token, body: request })).toMatchObject({ status: 409, body: { error: { code: 'invoice_not_offered' } } });
  });

  it('an update that does not name need_receipt leaves an unknown shelf as it was (offered), a known one as recorded', async () => {
    const order = await orderFrom({ need_receipt: false }, false);
    const path = `/api/orders/${order.order_id}`;
    const shelfPath = `/shelves/${encodeURIComponent(order.page_id)}`;
    expect((await admin('PUT', shelfPath, { banner_pic_url: 'https://mmbiz.qlogo.cn/mmbiz/banner-new' })).status).toBe(200);
    expect((await call(bff, 'GET', path, { token })).body).toMatchObject({ invoice_offered: true });
    expect((await admin('PUT', shelfPath, { need_receipt: false })).status).toBe(200);
    expect((await admin('PUT', shelfPath, { banner_pic_url: 'https://mmbiz.qlogo.cn/mmbiz/banner-2' })).status).toBe(200);
    expect((await call(bff, 'GET', path, { token })).body).toMatchObject({ invoice_offered: false });
  });

  it('a shelf made behind the BFF\'s back is unknown and offered, until the merchant sends need_receipt through the merchant API', async () => {
    const order = await orderFrom({ need_receipt: false }, false);
    const path = `/api/orders/${order.order_id}`;
    expect((await call(bff, 'GET', path, { token })).body).toMatchObject({ invoice_offered: true });
    const upd = await admin('PUT', `/shelves/${encodeURIComponent(order.page_id)}`, { need_receipt: false });
    expect(upd.status).toBe(200);
    expect((await call(bff, 'GET', path, { token })).body).toMatchObject({ invoice_offered: false });
    expect(await call(bff, 'POST', `${path}/invoice`, { token, body: request })).toMatchObject({ status: 409, body: { error: { code: 'invoice_not_offered' } } });
  });
});
