import type { GiftCardOrder } from '@giftcard/shared';
import { silentLogger } from '../../src/log';
import { ProjectionWriter } from '../../src/projector';
import { gc } from '../support/cli';
import { giftCard, shelf } from '../support/giftcards';
import { startAdmin, type TestAdmin } from './support';

/** Issue 12: the BFF enforces the refund policy the pages state before calling WeChat's refund. */
describe('POST /admin/orders/:order_id/refund under REFUND_POLICY=unused (the default)', () => {
  let admin: TestAdmin;
  let shop: { cardId: string; pageId: string };
  beforeEach(async () => {
    admin = await startAdmin();
    shop = admin.shop();
  });
  afterEach(() => admin.close());

  const refund = (order: GiftCardOrder) => admin.post(`/orders/${order.order_id}/refund`);
  const refundCalls = () => admin.world.calls.get('order.refundOrder');

  it('allows an order whose cards are unused and still the buyer’s', async () => {
    const order = admin.buy(shop);
    expect(await refund(order)).toMatchObject({ status: 200, body: { ok: true } });
    expect(admin.world.cards.isRefunded(order.order_id)).toBe(true);
  });

  it('reads the order from WeChat twice: to decide, under its codes\u2019 locks, and to store the refund; its codes come from the stored order', async () => {
    const order = admin.buy(shop);
    // The order as the projector stores it once its purchase push came: its codes never change.
    await new ProjectionWriter({ redis: admin.db.redis, keys: admin.db.keys, client: admin.wechat.client, logger: silentLogger }).refreshOrder(order.order_id);
    const reads = () => admin.world.calls.get('order.getOrder') ?? 0;
    const before = reads();
    expect(await refund(order)).toMatchObject({ status: 200, body: { ok: true } });
    expect(reads() - before).toBe(2);
  });

  it('allows an unused card created with its own init_balance (sold at ¥95.00, holding ¥100.00): unused is what it was bought with, not its price', async () => {
    const created = await admin.post('/cards', giftCard(admin.sandbox, { price: 9500, init_balance: 10000, date_info: { type: 'DATE_TYPE_PERMANENT' } }));
    expect(created.status).toBe(200);
    const discounted = { ...shop, cardId: created.body.card_id as string };
    const page = admin.world.cards.addShelf(shelf([discounted.cardId]) as never);
    admin.world.cards.shelves.bindWxa(admin.world.config.miniProgram.appid, page.page_id);
    admin.world.cards.shelves.review(page.page_id, 'approved');
    const order = admin.buy({ cardId: discounted.cardId, pageId: page.page_id });
    expect(order.card_list[0]).toMatchObject({ price: 9500 });
    expect(await refund(order)).toMatchObject({ status: 200, body: { ok: true } });

    // Spent from ¥100.00 to ¥95.00 (its price): spent all the same.
    const spent = admin.buy({ cardId: discounted.cardId, pageId: page.page_id });
    const card = spent.card_list[0]!;
    expect((await admin.post(`/codes/${card.code}/balance`, { card_id: card.card_id, balance: 9500 })).status).toBe(200);
    expect(await refund(spent)).toMatchObject({ status: 409, body: { error: { reasons: [{ code: 'card_spent', balance: 9500, bought_with: 10000 }] } } });
  });

  it('refuses an order with a spent card (after a balance update), naming the card; WeChat is not asked to refund', async () => {
    const order = admin.buy(shop);
    const card = order.card_list[0]!;
    expect((await admin.post(`/codes/${card.code}/balance`, { card_id: card.card_id, balance: 1234 })).status).toBe(200);
    const res = await refund(order);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'refund_refused',
      message: expect.stringContaining(card.code),
      reasons: [{ code: 'card_spent', card_id: card.card_id, card_code: card.code, balance: 1234, bought_with: card.price }],
    });
    expect(refundCalls()).toBe(0);
    expect(admin.world.cards.isRefunded(order.order_id)).toBe(false);
  });

  it('refuses an order given away (sent and accepted), and one on its way to a friend', async () => {
    const given = admin.buy(shop);
    await admin.control('orders/send', { order_id: given.order_id });
    const onTheWay = await refund(given);
    expect(onTheWay).toMatchObject({ status: 409, body: { error: { code: 'refund_refused', reasons: [{ code: 'card_being_given', card_code: given.card_list[0]!.code }] } } });
    await admin.control('orders/accept', { order_id: given.order_id, openid: 'o_friend' });
    const accepted = await refund(given);
    expect(accepted).toMatchObject({ status: 409, body: { error: { code: 'refund_refused', reasons: [{ code: 'card_given_away', card_code: given.card_list[0]!.code }] } } });

    // One card given from the card pack: given away all the same.
    const single = admin.buy(shop);
    const code = single.card_list[0]!.code;
    await admin.control('codes/gift', { code, openid: 'o_buyer', friend_openid: 'o_pal' });
    await admin.control('codes/accept', { code, openid: 'o_pal' });
    expect(await refund(single)).toMatchObject({ status: 409, body: { error: { reasons: [{ code: 'card_given_away', card_code: code }] } } });
    expect(refundCalls()).toBe(0);
  });

  it('refuses an order with a consumed card', async () => {
    const order = admin.buy(shop);
    const card = order.card_list[0]!;
    expect((await admin.post(`/codes/${card.code}/consume`, { card_id: card.card_id })).status).toBe(200);
    expect(await refund(order)).toMatchObject({ status: 409, body: { error: { code: 'refund_refused', reasons: [{ code: 'card_consumed', card_code: card.code }] } } });
  });

  it('pnpm gc orders refund prints the refusal and exits 1', async () => {
    const order = admin.buy(shop);
    const card = order.card_list[0]!;
    await admin.post(`/codes/${card.code}/balance`, { card_id: card.card_id, balance: 1 });
    const out = await gc(['orders', 'refund', `order_id=${order.order_id}`], { GC_URL: admin.origin, ADMIN_TOKEN: admin.config.adminToken });
    expect(out.code).toBe(1);
    const error = JSON.parse(out.stderr).error;
    expect(error).toMatchObject({ code: 'refund_refused', reasons: [{ code: 'card_spent', card_code: card.code, balance: 1 }] });
    const ok = await gc(['orders', 'refund', `order_id=${admin.buy(shop).order_id}`], { GC_URL: admin.origin, ADMIN_TOKEN: admin.config.adminToken });
    expect(ok).toMatchObject({ code: 0 });
    expect(JSON.parse(ok.stdout)).toEqual({ ok: true });
  });
});

describe('a refunded order shows as refunded to the merchant too', () => {
  it('GET /admin/orders/:order_id (pnpm gc orders get) adds the state WeChat’s order/get does not give: paid, then refunded', async () => {
    const admin = await startAdmin();
    try {
      const order = admin.buy(admin.shop());
      const env = { GC_URL: admin.origin, ADMIN_TOKEN: admin.config.adminToken };
      expect(await admin.get(`/orders/${order.order_id}`)).toMatchObject({ status: 200, body: { order, state: 'paid' } });
      expect((await admin.post(`/orders/${order.order_id}/refund`)).status).toBe(200);
      expect(await admin.get(`/orders/${order.order_id}`)).toMatchObject({ status: 200, body: { order: { order_id: order.order_id }, state: 'refunded' } });
      const out = await gc(['orders', 'get', `order_id=${order.order_id}`], env);
      expect(out.code).toBe(0);
      expect(JSON.parse(out.stdout)).toMatchObject({ state: 'refunded', order: { order_id: order.order_id } });
    } finally {
      await admin.close();
    }
  });
});

describe('REFUND_POLICY=any: the merchant decides', () => {
  it('refunds a spent order', async () => {
    const admin = await startAdmin({ REFUND_POLICY: 'any' });
    try {
      const shop = admin.shop();
      const order = admin.buy(shop);
      const card = order.card_list[0]!;
      await admin.post(`/codes/${card.code}/balance`, { card_id: card.card_id, balance: 1 });
      expect(await admin.post(`/orders/${order.order_id}/refund`)).toMatchObject({ status: 200, body: { ok: true } });
      expect(admin.world.cards.isRefunded(order.order_id)).toBe(true);
    } finally {
      await admin.close();
    }
  });
});
