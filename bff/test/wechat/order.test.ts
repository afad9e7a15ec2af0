import { ORDER_WINDOW_SECONDS, splitOrderWindows, type GiftCardOrder } from '@giftcard/shared';
import { buy, openShop } from '../support/giftcards';
import { useSandboxWechat } from '../support/wechat';

const DAY = 24 * 60 * 60;

describe('splitOrderWindows (§9.2 note 2: at most 31 days per query)', () => {
  it('splits 90 days into 3 windows with exact boundaries', () => {
    const begin = 1_700_000_000;
    const end = begin + 90 * DAY;
    expect(splitOrderWindows(begin, end)).toEqual([
      { begin_time: begin, end_time: begin + 31 * DAY - 1 },
      { begin_time: begin + 31 * DAY, end_time: begin + 62 * DAY - 1 },
      { begin_time: begin + 62 * DAY, end_time: end },
    ]);
  });

  it('keeps a range within 31 days whole, down to a single second', () => {
    expect(splitOrderWindows(100, 100)).toEqual([{ begin_time: 100, end_time: 100 }]);
    expect(splitOrderWindows(0, 31 * DAY - 1)).toEqual([{ begin_time: 0, end_time: 31 * DAY - 1 }]);
    expect(splitOrderWindows(0, 31 * DAY)).toHaveLength(2);
  });

  it('covers every second exactly once, each window accepted by WeChat', () => {
    for (const [begin, end] of [
      [0, 365 * DAY],
      [1_600_000_123, 1_600_000_123 + 62 * DAY - 1],
      [1_600_000_123, 1_600_000_123 + 62 * DAY],
      [5, 5 + 1000 * DAY + 17],
    ] as const) {
      const windows = splitOrderWindows(begin, end);
      expect(windows[0]!.begin_time).toBe(begin);
      expect(windows.at(-1)!.end_time).toBe(end);
      windows.forEach((w, i) => {
        expect(w.end_time).toBeGreaterThanOrEqual(w.begin_time);
        expect(w.end_time - w.begin_time).toBeLessThanOrEqual(ORDER_WINDOW_SECONDS);
        if (i > 0) expect(w.begin_time).toBe(windows[i - 1]!.end_time + 1);
      });
      expect(windows).toHaveLength(Math.ceil((end - begin + 1) / ORDER_WINDOW_SECONDS));
    }
  });

  it('refuses a reversed range and times that are not whole seconds', () => {
    expect(() => splitOrderWindows(10, 9)).toThrow(RangeError);
    expect(() => splitOrderWindows(1.5, 9)).toThrow(RangeError);
    expect(() => splitOrderWindows(-1, 9)).toThrow(RangeError);
  });
});

/** Spec 002 §9 and §12.2.1 through the real client, against the sandbox. */
describe('gift card orders (spec 002 §9, §12.2.1)', () => {
  afterEach(() => jest.restoreAllMocks()); // before the fixture's afterEach, as the sandbox closes
  const t = useSandboxWechat();
  let shop: { pageId: string; cardIds: string[] };

  beforeEach(async () => {
    shop = await openShop(t.wechat, t.sandbox, [{ price: 10000 }, { price: 2500, init_balance: 3000 }]);
  });

  const apiError = (errcode: number, endpoint: string) => expect.objectContaining({ kind: 'api', errcode, endpoint });
  const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
  const buyOne = (openid = 'o_buyer', card = 0) => buy(t.sandbox, { openid, page_id: shop.pageId, items: [{ card_id: shop.cardIds[card]!, count: 1 }] });

  it('gets an order with its cards, codes and prices in fen', async () => {
    const before = t.sandbox.world.clock.now();
    const bought = await buy(t.sandbox, {
      openid: 'o_buyer',
      page_id: shop.pageId,
      items: [
        { card_id: shop.cardIds[0]!, count: 1 },
        { card_id: shop.cardIds[1]!, count: 2 },
      ],
      outer_str: 'moments',
    });
    const { order } = await t.wechat.client.order.getOrder({ order_id: bought.order_id });
    expect(order).toEqual(bought);
    expect(order).toMatchObject({ page_id: shop.pageId, open_id: 'o_buyer', total_price: 15000, outer_str: 'moments', IsChatRoom: false });
    expect(order.order_id).toMatch(/^[0-9A-Za-z]{18}$/);
    expect(order.trans_id).toMatch(/^\d{28}$/);
    expect(order.create_time).toBeGreaterThanOrEqual(before);
    expect(order.create_time).toBeLessThanOrEqual(t.sandbox.world.clock.now());
    expect(order.pay_finish_time).toBeGreaterThanOrEqual(order.create_time);
    expect(order.card_list.map((c) => [c.card_id, c.price])).toEqual([
      [shop.cardIds[0], 10000],
      [shop.cardIds[1], 2500],
      [shop.cardIds[1], 2500],
    ]);
    expect(new Set(order.card_list.map((c) => c.code)).size).toBe(3);
    expect(order.card_list[0]).toMatchObject({ default_gifting_msg: '祝福语1', background_pic_url: 'http://mmbiz.qpic.cn/mmbiz_jpg/face1/0', outer_img_id: 'outer_img_id_1' });
    expect(order.accepter_openid).toBeUndefined();
    // The buyer, for other areas (invoices) to check who may act on the order.
    expect(t.sandbox.world.cards.orderBuyer(order.order_id)).toBe('o_buyer');
    expect(t.sandbox.world.cards.orderBuyer('nope')).toBeUndefined();
    expect(await failure(t.wechat.client.order.getOrder({ order_id: 'Z000000000000000000' }))).toEqual(apiError(40097, '/card/giftcard/order/get'));
  });

  it('lists orders of a time window, sorted and paged', async () => {
    const t0 = t.sandbox.world.clock.now();
    const clock = jest.spyOn(t.sandbox.world.clock, 'now');
    const orders: GiftCardOrder[] = [];
    for (const offset of [0, 60, 3600, 7 * DAY]) {
      clock.mockReturnValue(t0 + offset);
      orders.push(await buyOne(`o_${offset}`));
    }
    const ids = orders.map((o) => o.order_id);
    const window = { begin_time: t0, end_time: t0 + 7 * DAY };

    const asc = await t.wechat.client.order.batchGetOrders({ ...window, sort_type: 'ASC', offset: 0, count: 100 });
    expect(asc.total_count).toBe(4);
    expect(asc.order_list.map((o) => o.order_id)).toEqual(ids);
    const desc = await t.wechat.client.order.batchGetOrders({ ...window, sort_type: 'DESC', offset: 0, count: 100 });
    expect(desc.order_list.map((o) => o.order_id)).toEqual([...ids].reverse());

    // Paging: offset/count until offset + count ≥ total_count (§9.2 note 1).
    const pages: string[] = [];
    for (let offset = 0; ; offset += 3) {
      const page = await t.wechat.client.order.batchGetOrders({ ...window, offset, count: 3 });
      expect(page.total_count).toBe(4);
      pages.push(...page.order_list.map((o) => o.order_id));
      if (offset + 3 >= page.total_count) break;
    }
    expect(pages).toEqual(ids);

    // Both ends inclusive.
    const inner = await t.wechat.client.order.batchGetOrders({ begin_time: t0 + 60, end_time: t0 + 3600, offset: 0, count: 10 });
    expect(inner.order_list.map((o) => o.open_id)).toEqual(['o_60', 'o_3600']);
    const none = await t.wechat.client.order.batchGetOrders({ begin_time: t0 - DAY, end_time: t0 - 1, offset: 0, count: 10 });
    expect(none).toMatchObject({ total_count: 0, order_list: [] });
  });

  it('answers 40079 for a window over 31 days or reversed; refuses a count over 100', async () => {
    const t0 = t.sandbox.world.clock.now();
    await expect(t.wechat.client.order.batchGetOrders({ begin_time: t0, end_time: t0 + 31 * DAY, offset: 0, count: 100 })).resolves.toHaveProperty('total_count');
    expect(await failure(t.wechat.client.order.batchGetOrders({ begin_time: t0, end_time: t0 + 31 * DAY + 1, offset: 0, count: 10 }))).toEqual(
      apiError(40079, '/card/giftcard/order/batchget'),
    );
    expect(await failure(t.wechat.client.order.batchGetOrders({ begin_time: t0, end_time: t0 - 1, offset: 0, count: 10 }))).toEqual(
      apiError(40079, '/card/giftcard/order/batchget'),
    );

    const calls = t.sandbox.world.calls.get('order.batchGetOrders');
    expect(await failure(t.wechat.client.order.batchGetOrders({ begin_time: t0, end_time: t0 + DAY, offset: 0, count: 101 }))).toMatchObject({
      kind: 'invalid_request',
      endpoint: '/card/giftcard/order/batchget',
    });
    expect(t.sandbox.world.calls.get('order.batchGetOrders')).toBe(calls);
    const token = await t.wechat.tokens.get();
    expect(await t.sandbox.raw('/card/giftcard/order/batchget', { begin_time: t0, end_time: t0 + DAY, sort_type: 'ASC', offset: 0, count: 101 }, token)).toMatchObject({
      errcode: 40097,
    });
  });

  it('collects every order of a long range exactly once through splitOrderWindows', async () => {
    const t0 = t.sandbox.world.clock.now();
    const clock = jest.spyOn(t.sandbox.world.clock, 'now');
    // Orders on and around the window boundaries.
    const offsets = [0, 31 * DAY - 1, 31 * DAY, 62 * DAY - 1, 62 * DAY, 90 * DAY];
    const expected: string[] = [];
    for (const offset of offsets) {
      clock.mockReturnValue(t0 + offset);
      expected.push((await buyOne()).order_id);
    }
    const seen: string[] = [];
    for (const w of splitOrderWindows(t0, t0 + 90 * DAY)) {
      const page = await t.wechat.client.order.batchGetOrders({ ...w, offset: 0, count: 100 });
      seen.push(...page.order_list.map((o) => o.order_id));
    }
    expect(seen).toEqual(expected);
  });

  it('refunds an order: its cards stop working, the order stays readable, a second refund is refused', async () => {
    const order = await buy(t.sandbox, { openid: 'o_buyer', page_id: shop.pageId, items: [{ card_id: shop.cardIds[0]!, count: 2 }] });
    const [first, second] = order.card_list.map((c) => ({ code: c.code, card_id: c.card_id }));
    await expect(t.wechat.client.code.getCode(first!)).resolves.toMatchObject({ user_card_status: 'NORMAL' });
    const stock = t.sandbox.world.cards.catalogue.find(shop.cardIds[0]!)!.quantity;

    await expect(t.wechat.client.order.refundOrder({ order_id: order.order_id })).resolves.toMatchObject({ errcode: 0 });
    expect(t.sandbox.world.cards.isRefunded(order.order_id)).toBe(true);
    expect(await failure(t.wechat.client.code.getCode(first!))).toEqual(apiError(40056, '/card/code/get'));
    expect(await failure(t.wechat.client.code.consumeCode(second!))).toEqual(apiError(40056, '/card/code/consume'));
    expect(await failure(t.wechat.client.code.updateUserBalance({ ...first!, add_balance: -1 }))).toEqual(apiError(40056, '/card/generalcard/updateuser'));
    expect((await t.wechat.client.order.getOrder({ order_id: order.order_id })).order).toEqual(order);
    expect(t.sandbox.world.cards.catalogue.find(shop.cardIds[0]!)!.quantity).toBe(stock);

    expect(await failure(t.wechat.client.order.refundOrder({ order_id: order.order_id }))).toEqual(apiError(40097, '/card/giftcard/order/refund'));
    expect(await failure(t.wechat.client.order.refundOrder({ order_id: 'Z000000000000000000' }))).toEqual(apiError(40097, '/card/giftcard/order/refund'));
  });

  it('refuses to refund an order whose card was consumed', async () => {
    const order = await buyOne();
    const { code, card_id } = order.card_list[0]!;
    await t.wechat.client.code.consumeCode({ code, card_id });
    const err = await failure(t.wechat.client.order.refundOrder({ order_id: order.order_id }));
    expect(err).toEqual(apiError(40097, '/card/giftcard/order/refund'));
    expect(t.sandbox.world.cards.isRefunded(order.order_id)).toBe(false);
  });
});
