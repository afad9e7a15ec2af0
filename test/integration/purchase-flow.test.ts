import type { GiftCardOrder } from '@giftcard/shared';
import { startBff } from '../../bff/test/support/app';
import { openShop } from '../../bff/test/support/giftcards';
import type { TestSandbox } from '../../bff/test/support/sandbox';

/**
 * The whole push path, nothing stubbed: a user buys in the sandbox → the sandbox pushes
 * giftcard_pay_done to the BFF's callback (signed, encrypted in safe mode) → the inbox stores it
 * once → the projector re-reads the order and codes from WeChat → the buyer's projections.
 */
describe.each([
  ['plain mode', {}],
  ['safe mode', { WECHAT_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' }],
])('a sandbox purchase, %s', (_mode, env) => {
  let bff: Awaited<ReturnType<typeof startBff>>;
  beforeEach(async () => {
    bff = await startBff(env, { pushRetryDelayMs: 20, projector: true });
  });
  afterEach(() => bff.close());

  async function until<T>(read: () => Promise<T | null | undefined>, what: string): Promise<T> {
    for (let i = 0; i < 300; i++) {
      const value = await read();
      if (value) return value;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it("ends as the buyer's order, with its cards and balances, in the projections", async () => {
    const sandbox = bff as unknown as TestSandbox;
    const shop = await openShop(bff.wechat, sandbox, [{ price: 5000 }, { price: 20000 }]);
    const order = await bff.control<GiftCardOrder>('shelves/buy', {
      openid: 'o_buyer',
      page_id: shop.pageId,
      items: [{ card_id: shop.cardIds[0], count: 1 }, { card_id: shop.cardIds[1], count: 1 }],
    });
    const store = bff.projector!.store;
    const mine = await until(async () => (await store.ordersOf('o_buyer')).orders[0], 'the projected order');
    expect(mine).toMatchObject({ order_id: order.order_id, total_price: 25000 });
    const cards = await until(async () => {
      const c = await store.cardsOf('o_buyer');
      return c.length === 2 ? c : null;
    }, 'two projected cards');
    expect(cards.map((c) => c.balance).sort()).toEqual([20000, 5000]);
    expect(cards.every((c) => c.owner === 'o_buyer' && c.order_id === order.order_id)).toBe(true);
    // Nobody else sees it.
    expect((await store.ordersOf('o_someone_else')).total).toBe(0);
    expect(await store.orderFor('o_someone_else', order.order_id)).toBeNull();
    // The push was delivered once and acknowledged with <xml>ok</xml>.
    const log = (await (await fetch(`${bff.origin}/sandbox/_control/pushes?event=giftcard_pay_done`)).json()) as { deliveries: Array<{ outcome: string }> };
    expect(log.deliveries).toHaveLength(1);
    expect(log.deliveries[0]).toMatchObject({ outcome: 'acked' });
    expect(await bff.db.redis.xlen(bff.db.keys.events)).toBe(1);
  });
});
