import { createLogger } from '../../src/log';
import { createProjector, PROJECTOR_GROUP, type Projector } from '../../src/projector';
import { CODE_LOOKUP_CONCURRENCY, readOrder } from '../../src/projector/read-order';
import type { OutgoingEvent } from '@giftcard/sandbox/core/outbox';
import type { Wechat } from '../../src/wechat';
import { buy, openShop } from '../support/giftcards';
import { testRedis } from '../support/redis';
import { startSandbox, type TestSandbox } from '../support/sandbox';
import { sandboxClient } from '../support/wechat';

const PAY_MCH = { mchid: '1234', s_pappid: 'wxabcd' };
const AUTH_FIELD = { user_field: { show_title: 1 as const, show_phone: 1 as const }, biz_field: { show_title: 1 as const, show_tax_no: 1 as const } };

/** The real projector on a private Redis prefix, fed events as the callback stores them, re-reading from the sandbox. */
describe('projector (consumer group `projector`: projections re-read from WeChat)', () => {
  let sandbox: TestSandbox;
  let db: Awaited<ReturnType<typeof testRedis>>;
  let wechat: Wechat;
  let shop: { pageId: string; cardIds: string[] };
  let projector: Projector;
  let logs: string[];

  beforeEach(async () => {
    sandbox = await startSandbox();
    db = await testRedis();
    wechat = sandboxClient(sandbox, db.redis, db.keys);
    shop = await openShop(wechat, sandbox, [{ price: 10000 }, { price: 2500, init_balance: 3000 }]);
    logs = [];
    projector = createProjector({
      redis: db.redis,
      keys: db.keys,
      client: wechat.client,
      logger: createLogger('debug', (l) => logs.push(l) > 0),
      consumer: { blockMs: 100, claimIdleMs: 200, claimEveryMs: 100, maxDeliveries: 3 },
    });
    await projector.start();
  });
  afterEach(async () => {
    await projector.stop();
    await sandbox.close();
    await db.cleanup();
  });

  /**
   * XADDs a push to `events` in the contract format (fields type, id, received_at, payload; the
   * payload has WeChat's names, values as the XML carried them, CreateTime a number), then waits
   * until the projector has handled everything in the stream.
   */
  async function deliver(...events: OutgoingEvent[]): Promise<void> {
    for (const e of events) {
      const payload = Object.fromEntries(Object.entries(e).map(([k, v]) => [k, k === 'CreateTime' ? Number(v) : typeof v === 'object' ? v : String(v)]));
      const id = [e.FromUserName, e.CreateTime, e.Event, e.OrderId ?? e.UserCardCode ?? e.SuccOrderId ?? e.FailOrderId ?? ''].join('|');
      await db.redis.xadd(db.keys.events, '*', 'type', e.Event, 'id', id, 'received_at', Date.now(), 'payload', JSON.stringify(payload));
    }
    await settled();
  }

  async function settled(timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const [last] = (await db.redis.xrevrange(db.keys.events, '+', '-', 'COUNT', 1)) as [string, string[]][];
      const groups = (await db.redis.xinfo('GROUPS', db.keys.events)) as unknown[][];
      const g = groups.map(toRecord).find((r) => r.name === PROJECTOR_GROUP);
      if (g && Number(g.pending) === 0 && (!last || g['last-delivered-id'] === last[0])) return;
      if (Date.now() > until) throw new Error(`projector did not settle: ${JSON.stringify(g)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  const drain = () => sandbox.world.outbox.drain();
  const purchase = (openid: string, items: { card: number; count: number }[]) =>
    buy(sandbox, { openid, page_id: shop.pageId, items: items.map((i) => ({ card_id: shop.cardIds[i.card]!, count: i.count })) });

  it(`reads the codes of a large order at most ${CODE_LOOKUP_CONCURRENCY} at a time, each answered`, async () => {
    const order = await purchase('o_buyer', [{ card: 0, count: 20 }]);
    sandbox.world.faults.arm({ endpoint: 'code.getCode', delayMs: 200, times: 20 });
    const started = Date.now();
    const { lookups } = await readOrder(wechat.client, order.order_id);
    const took = Date.now() - started;
    expect(lookups.map((l) => l.found && l.info.card.code)).toEqual(order.card_list.map((c) => c.code));
    // 20 lookups of 200 ms, 8 at a time: three waves (all at once would be one, one at a time twenty).
    expect(took).toBeGreaterThanOrEqual(Math.ceil(20 / CODE_LOOKUP_CONCURRENCY) * 200 - 20);
    expect(took).toBeLessThan(20 * 200);
  });

  it("a purchase's giftcard_pay_done gives the buyer the order, its cards and balances", async () => {
    const order = await purchase('o_buyer', [
      { card: 0, count: 1 },
      { card: 1, count: 2 },
    ]);
    const events = drain();
    expect(events).toEqual([expect.objectContaining({ Event: 'giftcard_pay_done', FromUserName: 'o_buyer', OrderId: order.order_id })]);
    await deliver(...events);

    const { total, orders } = await projector.store.ordersOf('o_buyer');
    expect(total).toBe(1);
    expect(orders[0]).toMatchObject({ order_id: order.order_id, buyer: 'o_buyer', role: 'buyer', total_price: 15000, page_id: shop.pageId, create_time: order.create_time });
    expect(orders[0]!.cards.map((c) => c.mine && [c.code, c.card_id, c.price, c.balance, c.status, c.owner])).toEqual(
      order.card_list.map((c, i) => [c.code, c.card_id, c.price, i === 0 ? 10000 : 3000, 'NORMAL', 'o_buyer']),
    );
    const full = await projector.store.order(order.order_id);
    expect(full).toMatchObject({ viewers: ['o_buyer'], trans_id: order.trans_id });

    const cards = await projector.store.cardsOf('o_buyer');
    expect(cards.map((c) => c.code).sort()).toEqual(order.card_list.map((c) => c.code).sort());
    const first = await projector.store.card(order.card_list[0]!.code);
    expect(first).toMatchObject({ balance: 10000, status: 'NORMAL', order_id: order.order_id, card_id: shop.cardIds[0], owner: 'o_buyer', can_consume: true });
    expect(first!.begin_time).toEqual(expect.any(Number));
    expect(first!.end_time).toBeGreaterThan(first!.begin_time!);

    // Replaying the event re-reads and overwrites: the same projection, nothing doubled.
    const calls = sandbox.world.calls.get('order.getOrder');
    await deliver(...events);
    expect(sandbox.world.calls.get('order.getOrder')).toBe(calls + 1);
    expect(await projector.store.ordersOf('o_buyer')).toMatchObject({ total: 1 });
    expect(await projector.store.cardsOf('o_buyer')).toHaveLength(3);
    expect({ ...(await projector.store.order(order.order_id)), read_at: 0, cards: [] }).toEqual({ ...full, read_at: 0, cards: [] });
    // Others see nothing.
    expect(await projector.store.ordersOf('o_someone')).toEqual({ total: 0, orders: [] });
    expect(await projector.store.orderFor('o_someone', order.order_id)).toBeNull();
  });

  it('a merchant balance update shows after a user_get_card hint, and after refreshOrder', async () => {
    const order = await purchase('o_buyer', [{ card: 0, count: 1 }]);
    await deliver(...drain());
    const { code, card_id } = order.card_list[0]!;
    await wechat.client.code.updateUserBalance({ code, card_id, balance: 1234, record_balance: '消费' });
    // The projection changes only once WeChat is re-read.
    expect((await projector.store.card(code))!.balance).toBe(10000);

    await deliver({
      ToUserName: sandbox.world.config.serviceAccount.originalId,
      FromUserName: 'o_buyer',
      CreateTime: sandbox.world.clock.now(),
      MsgType: 'event',
      Event: 'user_get_card',
      CardId: card_id,
      UserCardCode: code,
      IsGiveByFriend: 0,
      FriendUserName: '',
      OldUserCardCode: '',
    });
    expect((await projector.store.card(code))!.balance).toBe(1234);
    expect((await projector.store.cardsOf('o_buyer'))[0]!.balance).toBe(1234);
    expect((await projector.store.order(order.order_id))!.cards[0]!.balance).toBe(1234);

    await wechat.client.code.updateUserBalance({ code, card_id, add_balance: -234 });
    const refreshed = await projector.store.refreshOrder(order.order_id);
    expect(refreshed!.cards[0]!.balance).toBe(1000);
    expect((await projector.store.cardsOf('o_buyer'))[0]!.balance).toBe(1000);

    // A consumed card keeps its record, as CONSUMED.
    await wechat.client.code.consumeCode({ code, card_id });
    await projector.store.refreshOrder(order.order_id);
    expect(await projector.store.card(code)).toMatchObject({ status: 'CONSUMED', can_consume: false, balance: 1000 });
  });

  it('an invoice authorization gives the order its invoice state (getauthdata, s_pappid from get_pay_mch, cached)', async () => {
    await wechat.client.invoice.setPayMch({ paymch_info: PAY_MCH });
    await wechat.client.invoice.setAuthField({ auth_field: AUTH_FIELD });
    const a = await purchase('o_buyer', [{ card: 0, count: 1 }]);
    const b = await purchase('o_buyer', [{ card: 1, count: 1 }]);
    const c = await purchase('o_buyer', [{ card: 1, count: 1 }]);
    await deliver(...drain());
    expect(await projector.store.invoiceOf(a.order_id)).toBeNull();

    const user_field = { title: 'Ms Li', phone: '5554545' };
    const before = sandbox.world.clock.now();
    await sandbox.control('invoice/authorize', { order_id: a.order_id, user_field });
    await deliver(...drain());
    const invoice = await projector.store.invoiceOf(a.order_id);
    expect(invoice).toEqual({
      order_id: a.order_id,
      state: 'authorized',
      invoice_status: 'auth success',
      auth_time: expect.any(Number),
      user_auth_info: { user_field },
      read_at: expect.any(Number),
    });
    // WeChat stamps the authorization when it happens; the test may straddle a second boundary.
    expect(invoice!.auth_time).toBeGreaterThanOrEqual(before);
    expect(invoice!.auth_time).toBeLessThanOrEqual(sandbox.world.clock.now());

    await sandbox.control('invoice/authorize', { order_id: b.order_id, biz_field: { title: 'ACME Ltd', tax_no: '6464646766' } });
    await deliver(...drain());
    expect(await projector.store.invoiceOf(b.order_id)).toMatchObject({ state: 'authorized', user_auth_info: { biz_field: { title: 'ACME Ltd' } } });
    expect(sandbox.world.calls.get('invoice.getPayMch')).toBe(1);

    // A failed authorization: WeChat has no request for the order, so there is nothing to record.
    await sandbox.control('invoice/authorize', { order_id: c.order_id, fail: true });
    await deliver(...drain());
    expect(await projector.store.invoiceOf(c.order_id)).toBeNull();
  });

  it('a gift accepted moves the cards: the receiver sees the order and the cards, the giver keeps the order without them', async () => {
    const order = await purchase('o_buyer', [{ card: 0, count: 2 }]);
    await deliver(...drain());
    await sandbox.control('orders/send', { order_id: order.order_id });
    await deliver(...drain());
    expect((await projector.store.cardsOf('o_buyer')).map((c) => c.status)).toEqual(['GIFTING', 'GIFTING']);

    await sandbox.control('orders/accept', { order_id: order.order_id, openid: 'o_friend' });
    const events = drain();
    expect(events.map((e) => e.Event)).toEqual(['giftcard_user_accept', 'user_get_card', 'user_get_card']);
    await deliver(...events);

    expect(await projector.store.cardsOf('o_buyer')).toEqual([]);
    const friendCards = await projector.store.cardsOf('o_friend');
    expect(friendCards.map((c) => [c.code, c.owner, c.status, c.balance])).toEqual(
      order.card_list.map((c) => [c.code, 'o_friend', 'NORMAL', 10000]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
    const friendOrders = await projector.store.ordersOf('o_friend');
    expect(friendOrders.total).toBe(1);
    expect(friendOrders.orders[0]).toMatchObject({ role: 'receiver', accepter_openid: 'o_friend' });
    expect(friendOrders.orders[0]!.cards.every((c) => c.mine)).toBe(true);
    const buyerView = (await projector.store.ordersOf('o_buyer')).orders[0]!;
    expect(buyerView.role).toBe('buyer');
    expect(buyerView.cards.every((c) => !c.mine && !('code' in c))).toBe(true);
  });

  it('a forged event naming an order or a code of another user gives that user nothing (order/get and code/get say whose it is)', async () => {
    const order = await purchase('o_victim', [{ card: 0, count: 1 }]);
    drain(); // the genuine push never arrives; only the forged ones do
    const head = { ToUserName: sandbox.world.config.serviceAccount.originalId, FromUserName: 'o_attacker', CreateTime: sandbox.world.clock.now(), MsgType: 'event' as const };
    await deliver(
      { ...head, Event: 'giftcard_pay_done', PageId: shop.pageId, OrderId: order.order_id },
      { ...head, Event: 'giftcard_user_accept', PageId: shop.pageId, OrderId: order.order_id, IsChatRoom: 'false' },
      { ...head, Event: 'user_get_card', CardId: order.card_list[0]!.card_id, UserCardCode: order.card_list[0]!.code, IsGiveByFriend: '1', FriendUserName: 'o_victim', OldUserCardCode: '' },
    );
    expect(await projector.store.ordersOf('o_attacker')).toEqual({ total: 0, orders: [] });
    expect(await projector.store.cardsOf('o_attacker')).toEqual([]);
    expect(await projector.store.orderFor('o_attacker', order.order_id)).toBeNull();
    // What was projected is the truth: the victim's order, in the victim's lists.
    expect((await projector.store.order(order.order_id))!.viewers).toEqual(['o_victim']);
    expect((await projector.store.ordersOf('o_victim')).total).toBe(1);

    // Made-up ids: WeChat knows nothing, nothing is written, the entries are acknowledged (not retried, not dead).
    await wechat.client.invoice.setPayMch({ paymch_info: PAY_MCH });
    await deliver(
      { ...head, Event: 'giftcard_pay_done', PageId: shop.pageId, OrderId: 'Z00000000000000000' },
      { ...head, Event: 'user_get_card', CardId: order.card_list[0]!.card_id, UserCardCode: '999999999999', IsGiveByFriend: '0', FriendUserName: '', OldUserCardCode: '' },
      { ...head, Event: 'user_authorize_invoice', SuccOrderId: order.order_id, FailOrderId: '', AppId: 'wx', Source: 'web' },
    );
    expect(await projector.store.order('Z00000000000000000')).toBeNull();
    expect(await projector.store.invoiceOf(order.order_id)).toBeNull();
    expect(await db.redis.xlen(db.keys.eventsDead)).toBe(0);
  });

  it('acknowledges other events without projecting; a malformed payload goes to the dead letters; a WeChat failure is retried', async () => {
    const head = { ToUserName: 'gh', FromUserName: 'o_x', CreateTime: sandbox.world.clock.now(), MsgType: 'event' as const };
    await deliver({ ...head, Event: 'user_scan_product', KeyStandard: 'ean13', KeyStr: '6901481811083', Country: '', Province: '', City: '', ExtInfo: '' });
    await db.redis.xadd(db.keys.events, '*', 'type', 'text', 'id', 'o_x|1|text|1', 'received_at', Date.now(), 'payload', JSON.stringify({ MsgType: 'text', Content: 'hi', CreateTime: 1 }));
    await settled();
    expect(await db.redis.keys(`${db.prefix}proj:*`)).toEqual([]);

    await db.redis.xadd(db.keys.events, '*', 'type', 'giftcard_pay_done', 'id', 'bad', 'received_at', Date.now(), 'payload', '{not json');
    await settled();
    const dead = (await db.redis.xrange(db.keys.eventsDead, '-', '+')) as [string, string[]][];
    expect(dead).toHaveLength(1);
    expect(dead[0]![1]).toEqual(expect.arrayContaining(['group', PROJECTOR_GROUP, 'id', 'bad']));

    // order/get answers "system busy" beyond the client's own retries once: the entry stays pending, then is claimed and projected.
    await sandbox.control('faults', { endpoint: 'order.getOrder', errcode: 45009, times: 1 });
    const order = await purchase('o_buyer', [{ card: 0, count: 1 }]);
    await deliver(...drain());
    expect(await projector.store.order(order.order_id)).not.toBeNull();
    expect(logs.some((l) => l.includes('handler failed') && l.includes('45009'))).toBe(true);
  });
});

describe('createProjector({ trimEveryMs })', () => {
  it('trims events the projector (the only group) acknowledged, and invoice requests once the merchant acknowledged them', async () => {
    const db = await testRedis();
    const sandbox = await startSandbox();
    const wechat = sandboxClient(sandbox, db.redis, db.keys);
    const projector = createProjector({
      redis: db.redis,
      keys: db.keys,
      client: wechat.client,
      logger: createLogger('error', () => true),
      consumer: { blockMs: 100 },
      trimEveryMs: 50,
    });
    try {
      await projector.start();
      for (let i = 0; i < 5; i++) {
        await db.redis.xadd(db.keys.events, '*', 'type', 'text', 'id', `o|${i}|text|${i}`, 'received_at', Date.now(), 'payload', JSON.stringify({ MsgType: 'text', CreateTime: i }));
      }
      const until = Date.now() + 5000;
      while ((await db.redis.xlen(db.keys.events)) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(await db.redis.xlen(db.keys.events)).toBe(0);

      // The invoice requests the merchant's group has read and acknowledged go too.
      await db.redis.xgroup('CREATE', db.keys.invoiceRequests, 'merchant', '$', 'MKSTREAM');
      for (let i = 0; i < 4; i++) await db.redis.xadd(db.keys.invoiceRequests, '*', 'order_id', `o${i}`, 'openid', 'u', 'request', '{}');
      const read = (await db.redis.xreadgroup('GROUP', 'merchant', 'm1', 'STREAMS', db.keys.invoiceRequests, '>')) as [string, [string, string[]][]][];
      // Read, not yet acknowledged: kept.
      await new Promise((r) => setTimeout(r, 200));
      expect(await db.redis.xlen(db.keys.invoiceRequests)).toBe(4);
      await db.redis.xack(db.keys.invoiceRequests, 'merchant', ...read[0]![1].map(([id]) => id));
      const until2 = Date.now() + 5000;
      while ((await db.redis.xlen(db.keys.invoiceRequests)) > 0 && Date.now() < until2) await new Promise((r) => setTimeout(r, 20));
      expect(await db.redis.xlen(db.keys.invoiceRequests)).toBe(0);
    } finally {
      await projector.stop();
      await sandbox.close();
      await db.cleanup();
    }
  });
});

function toRecord(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}
