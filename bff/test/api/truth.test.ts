import { startBff } from '../support/app';
import { giftCard, shelf } from '../support/giftcards';
import type { TestSandbox } from '../support/sandbox';
import { admin as adminCall, call, login, purchase, type Bff } from './support';

/**
 * Issue 12 "The truth everywhere": what /api/cards, /api/orders and /api/orders/:id show follows
 * WeChat after every kind of change: through the merchant API at once (no event needed), and made
 * outside the BFF once the projection is older than PROJECTION_MAX_AGE_S (60 s here; the clock is
 * moved, not waited for), at a bounded number of WeChat calls per request.
 */
describe('the consumer sees WeChat’s truth after every change', () => {
  let bff: Bff;
  let offset = 0;
  const clockMs = () => Date.now() + offset;
  const AGE_MS = 60_000;
  const admin = (method: string, path: string, body?: unknown) => adminCall(bff, method, path, body);
  /** WeChat calls other than for tokens, so far. */
  const wechatCalls = () => Object.entries(bff.world.calls.all()).reduce((n, [name, c]) => (name.startsWith('auth.') ? n : n + c), 0);
  /** The calls `run` made WeChat answer. */
  async function counting<T>(run: () => Promise<T>): Promise<{ result: T; calls: number }> {
    const before = wechatCalls();
    const result = await run();
    return { result, calls: wechatCalls() - before };
  }
  /** A Mini Program user linked to `serviceOpenid` by a card jump of theirs. */
  async function linkedUser(mini: string, bought: Awaited<ReturnType<typeof purchase>>, serviceOpenid: string) {
    const token = await login(bff, mini);
    const opened = await call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code: bought.encryptCode, card_id: bought.cardId, openid: serviceOpenid } });
    expect(opened.status).toBe(200);
    return token;
  }
  const lists = async (token: string, orderId: string) => ({
    cards: (await call(bff, 'GET', '/api/cards', { token })).body.cards as any[],
    orders: (await call(bff, 'GET', '/api/orders', { token })).body.orders as any[],
    order: (await call(bff, 'GET', `/api/orders/${encodeURIComponent(orderId)}`, { token })).body,
  });

  let token: string;
  let first: Awaited<ReturnType<typeof purchase>>;

  beforeAll(async () => {
    bff = await startBff({ PROJECTION_MAX_AGE_S: String(AGE_MS / 1000) }, { projector: true, pushRetryDelayMs: 20, clockMs });
    first = await purchase(bff, 'svc_buyer');
    token = await linkedUser('mini_buyer', first, 'svc_buyer');
  });
  afterAll(() => bff.close());

  it('a card created with its own init_balance (¥100.00 sold at ¥95.00) shows that as its face value (002 §6.3: the balance on the card face), the price paid on the order', async () => {
    const created = await admin('POST', '/cards', giftCard({ world: bff.world } as TestSandbox, { price: 9500, init_balance: 10000, title: '百元卡' }));
    const page = await admin('POST', '/shelves', shelf([created.body.card_id]));
    const bought = await purchase(bff, 'svc_buyer', { cardIds: [created.body.card_id], pageId: page.body.page_id });
    const listed = ((await call(bff, 'GET', '/api/cards', { token })).body.cards as any[]).find((c) => c.code === bought.code);
    expect(listed).toMatchObject({ face_value: 10000, balance: 10000, price: 9500 });
    expect((await call(bff, 'GET', `/api/cards/${bought.code}`, { token })).body).toMatchObject({ face_value: 10000, balance: 10000 });
    const order = (await call(bff, 'GET', `/api/orders/${bought.order.order_id}`, { token })).body;
    expect(order.cards[0]).toMatchObject({ price: 9500 });
    // The landing card page (the card button's jump) says the same.
    const landing = await fetch(`${bff.origin}/landing/card?encrypt_code=${encodeURIComponent(bought.encryptCode)}&card_id=${bought.cardId}&openid=svc_buyer`);
    expect(await landing.text()).toMatch(/面值<\/div>\s*<div[^>]*>¥100\.00/);
  });

  it('cards made through /admin/cards carry their title, notice and description; face value is the price paid', async () => {
    const created = await admin('POST', '/cards', giftCard({ world: bff.world } as TestSandbox, { price: 8800, title: '感恩卡' }));
    expect(created.status).toBe(200);
    const page = await admin('POST', '/shelves', shelf([created.body.card_id]));
    const bought = await purchase(bff, 'svc_buyer', { cardIds: [created.body.card_id], pageId: page.body.page_id });
    const card = ((await call(bff, 'GET', '/api/cards', { token })).body.cards as any[]).find((c) => c.code === bought.code);
    expect(card).toMatchObject({ title: '感恩卡', notice: '使用时向服务员出示', description: '不可与其他优惠同享', face_value: 8800, balance: 8800 });
    const order = (await call(bff, 'GET', `/api/orders/${bought.order.order_id}`, { token })).body;
    expect(order.cards[0]).toMatchObject({ title: '感恩卡', price: 8800 });
    const opened = await call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code: bought.encryptCode, card_id: bought.cardId } });
    expect(opened.body).toMatchObject({ title: '感恩卡', notice: '使用时向服务员出示', face_value: 8800 });
  });

  it('a fresh, warm list costs no WeChat call', async () => {
    // Warm: the order page's after-sales links read the shelf once (cached from then on).
    await lists(token, first.order.order_id);
    const { calls } = await counting(() => lists(token, first.order.order_id));
    expect(calls).toBe(0);
  });

  it('a balance update through the merchant API shows at once in the cards, the orders and the order', async () => {
    const res = await admin('POST', `/codes/${first.code}/balance`, { card_id: first.cardId, balance: 1234 });
    expect(res.status).toBe(200);
    const { result, calls } = await counting(() => lists(token, first.order.order_id));
    expect(calls).toBe(0);
    expect(result.cards.find((c) => c.code === first.code)).toMatchObject({ balance: 1234, face_value: 5000, status: 'NORMAL' });
    expect(result.orders.find((o) => o.order_id === first.order.order_id)).toMatchObject({ state: 'paid', cards: [{ mine: true, code: first.code, balance: 1234 }] });
    expect(result.order).toMatchObject({ state: 'paid', cards: [{ code: first.code, balance: 1234, status: 'NORMAL' }] });
  });

  it('a consume through the merchant API shows the card used up', async () => {
    expect((await admin('POST', `/codes/${first.code}/consume`, { card_id: first.cardId })).status).toBe(200);
    const { cards, orders, order } = await lists(token, first.order.order_id);
    expect(cards.find((c) => c.code === first.code)).toMatchObject({ status: 'CONSUMED', can_consume: false });
    expect(orders.find((o) => o.order_id === first.order.order_id).cards[0]).toMatchObject({ status: 'CONSUMED' });
    expect(order.cards[0]).toMatchObject({ status: 'CONSUMED' });
  });

  it('a refund through the merchant API shows the order refunded and its card still listed, as refunded', async () => {
    const second = await purchase(bff, 'svc_buyer', first.shop);
    const res = await admin('POST', `/orders/${second.order.order_id}/refund`);
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
    const { cards, orders, order } = await lists(token, second.order.order_id);
    expect(cards.find((c) => c.code === second.code)).toMatchObject({ status: 'REMOVED', balance: null, can_consume: false, face_value: 5000 });
    expect(orders.find((o) => o.order_id === second.order.order_id)).toMatchObject({ state: 'refunded', cards: [{ status: 'REMOVED', balance: null }] });
    expect(order).toMatchObject({ order_id: second.order.order_id, state: 'refunded', cards: [{ status: 'REMOVED', balance: null }] });
    // The other order stands.
    expect(orders.find((o) => o.order_id === first.order.order_id)).toMatchObject({ state: 'paid' });
    // Its card-button jump shows the card as refunded to its last holder, and to no one else.
    const jump = { encrypt_code: second.encryptCode, card_id: second.cardId };
    const opened = await call(bff, 'POST', '/api/cards/open', { token, body: jump });
    expect(opened).toMatchObject({ status: 200, body: { code: second.code, status: 'REMOVED', balance: null, face_value: 5000 } });
    expect(await call(bff, 'GET', `/api/cards/${second.code}`, { token })).toMatchObject({ status: 200, body: { status: 'REMOVED', balance: null } });
    const stranger = await login(bff, 'mini_refund_stranger');
    expect((await call(bff, 'POST', '/api/cards/open', { token: stranger, body: { ...jump, openid: 'svc_buyer' } })).status).toBe(404);
  });

  it('a change made outside the BFF shows once the projection is older than the age, not before', async () => {
    const third = await purchase(bff, 'svc_outside', first.shop);
    const token = await linkedUser('mini_outside', third, 'svc_outside');
    await lists(token, third.order.order_id);
    // Another system calls WeChat directly: no BFF route, no event.
    await bff.wechat.client.code.updateUserBalance({ code: third.code, card_id: third.cardId, balance: 777 });
    const early = await counting(() => lists(token, third.order.order_id));
    expect(early.calls).toBe(0);
    expect(early.result.cards.find((c) => c.code === third.code)).toMatchObject({ balance: 5000 });

    offset += AGE_MS + 1000;
    const { result, calls } = await counting(() => call(bff, 'GET', '/api/cards', { token }));
    expect((result.body.cards as any[]).find((c) => c.code === third.code)).toMatchObject({ balance: 777 });
    expect(calls).toBe(2); // order/get and the card's code/get
    const orders = (await call(bff, 'GET', '/api/orders', { token })).body.orders as any[];
    expect(orders[0].cards[0]).toMatchObject({ balance: 777 });
    // The order page re-reads a stale order of its own.
    await bff.wechat.client.code.updateUserBalance({ code: third.code, card_id: third.cardId, balance: 555 });
    offset += AGE_MS + 1000;
    const order = (await call(bff, 'GET', `/api/orders/${third.order.order_id}`, { token })).body;
    expect(order.cards[0]).toMatchObject({ balance: 555 });
  });

  it('re-reads at most 2 stale orders per request (order/get + a code/get each), oldest first; the next requests catch up; then 0 calls', async () => {
    const orders = [await purchase(bff, 'svc_many', first.shop)];
    for (let i = 0; i < 4; i++) orders.push(await purchase(bff, 'svc_many', first.shop));
    const many = await linkedUser('mini_many', orders[0]!, 'svc_many');
    for (const o of orders) await bff.wechat.client.code.updateUserBalance({ code: o.code, card_id: o.cardId, balance: 4000 });
    offset += AGE_MS + 1000;

    const seen: number[] = [];
    const balances: number[][] = [];
    for (let i = 0; i < 4; i++) {
      const { result, calls } = await counting(() => call(bff, 'GET', '/api/cards', { token: many }));
      seen.push(calls);
      balances.push((result.body.cards as { balance: number }[]).map((c) => c.balance).sort());
    }
    expect(seen).toEqual([4, 4, 2, 0]);
    expect(balances[0]!.filter((b) => b === 4000)).toHaveLength(2);
    expect(balances[3]).toEqual([4000, 4000, 4000, 4000, 4000]);
  });

  it('concurrent requests share one re-read per order (single flight)', async () => {
    const mine = await purchase(bff, 'svc_twice', first.shop);
    const twice = await linkedUser('mini_twice', mine, 'svc_twice');
    offset += AGE_MS + 1000;
    const { result, calls } = await counting(() => Promise.all([1, 2, 3].map(() => call(bff, 'GET', '/api/cards', { token: twice }))));
    expect(result.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(calls).toBe(2);
  });
});
