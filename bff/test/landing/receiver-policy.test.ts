import { formatFen } from '@giftcard/shared';
import { openShop } from '../support/giftcards';
import { call, login, purchase, sandboxOf, start, until, type Bff } from '../api/support';
import { get, q } from './helpers';

/**
 * The one policy (bff/src/policy) on both surfaces: the Mini Program API and the order landing page
 * show a gift's receiver the order without the buyer's total, payment or after-sales links, and show
 * the buyer all of them.
 */
describe("a gift's receiver sees no total or payment, on the API and on the landing page", () => {
  let bff: Bff;
  let gift: Awaited<ReturnType<typeof purchase>>;
  let total: string;
  beforeAll(async () => {
    bff = await start();
    // Two cards of different face values: the total (¥80.00) is neither card's face value.
    gift = await purchase(bff, 'svc_giver', await openShop(bff.wechat, sandboxOf(bff), [{ price: 5000 }, { price: 3000 }]));
    total = formatFen(gift.order.total_price);
    await bff.control('orders/send', { order_id: gift.order.order_id });
    await bff.control('orders/accept', { order_id: gift.order.order_id, openid: 'svc_friend' });
    await until(async () => (await bff.projector!.store.cardsOf('svc_friend')).length > 0, "the friend's card");
  });
  afterAll(() => bff.close());

  async function apiOrder(mini: string, service: string) {
    const token = await login(bff, mini);
    const opened = await call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code: gift.encryptCode, card_id: gift.cardId, openid: service } });
    return { opened, token };
  }

  it('API: the receiver gets total_price and pay_finish_time null and no after-sales links; lists alike', async () => {
    const { opened, token } = await apiOrder('mini_friend', 'svc_friend');
    expect(opened.status).toBe(200);
    const one = await call(bff, 'GET', `/api/orders/${encodeURIComponent(gift.order.order_id)}`, { token });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ role: 'receiver', total_price: null, pay_finish_time: null, after_sales: [] });
    const list = await call(bff, 'GET', '/api/orders', { token });
    expect(list.body.orders[0]).toMatchObject({ order_id: gift.order.order_id, role: 'receiver', total_price: null, pay_finish_time: null });
    expect(list.text).not.toContain(`"total_price":${gift.order.total_price}`);
  });

  it('API: the buyer gets the total and the payment time', async () => {
    const token = await login(bff, 'mini_giver');
    // The buyer's Mini Program user is linked through a card jump of the buyer's (any of theirs).
    const mine = await purchase(bff, 'svc_giver', gift.shop);
    expect((await call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code: mine.encryptCode, card_id: mine.cardId, openid: 'svc_giver' } })).status).toBe(200);
    const one = await call(bff, 'GET', `/api/orders/${encodeURIComponent(gift.order.order_id)}`, { token });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ role: 'buyer', total_price: gift.order.total_price, pay_finish_time: gift.order.pay_finish_time });
  });

  it('landing: the receiver sees the order without total, payment or invoice; the buyer with them', async () => {
    const friend = await get(bff, `/landing/order?${q({ order_id: gift.order.order_id, openid: 'svc_friend' })}`);
    expect(friend.status).toBe(200);
    expect(friend.text).not.toContain(total);
    expect(friend.text).not.toContain('实付');
    expect(friend.text).not.toContain('已支付');
    expect(friend.text).not.toContain('支付时间');
    expect(friend.text).not.toContain('/landing/order/invoice');
    const buyer = await get(bff, `/landing/order?${q({ order_id: gift.order.order_id, openid: 'svc_giver' })}`);
    expect(buyer.text).toContain(total);
    expect(buyer.text).toContain('已支付');
    expect(buyer.text).toContain('/landing/order/invoice');
  });
});
