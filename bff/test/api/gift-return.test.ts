import { giftReturned } from '../../src/projector/mapping';
import { call, login, purchase, start, until, type Bff } from './support';

const DAY = 24 * 60 * 60;

describe('a gift nobody accepted within 24 hours is the buyer\'s again (002 §10.4)', () => {
  let bff: Bff;
  afterAll(() => bff?.close());

  it('the sandbox returns it, the projector re-reads it, and /api shows it as the buyer\'s, returned', async () => {
    bff = await start();
    const bought = await purchase(bff, 'svc_giver');
    const token = await login(bff, 'mini_giver');
    expect((await call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code: bought.encryptCode, card_id: bought.cardId, openid: 'svc_giver' } })).status).toBe(200);

    await bff.control('orders/send', { order_id: bought.order.order_id, openid: 'svc_giver' });
    const card = async () => (await call(bff, 'GET', '/api/cards', { token })).body.cards.find((c: { code: string }) => c.code === bought.code);
    await until(async () => (await card())?.status === 'GIFTING', 'the card GIFTING');

    await bff.control('clock/advance', { seconds: DAY });
    await until(async () => (await card())?.status === 'GIFT_TIMEOUT', 'the card GIFT_TIMEOUT');
    expect(await card()).toMatchObject({ gift_returned: true, can_consume: false });

    await bff.control('clock/advance', { seconds: 60 });
    await until(async () => (await card())?.status === 'NORMAL', 'the card back in the card pack');
    expect(await card()).toMatchObject({ gift_returned: true, can_consume: true, balance: bought.order.card_list[0]!.price });
    const order = await call(bff, 'GET', `/api/orders/${bought.order.order_id}`, { token });
    expect(order.body).toMatchObject({ role: 'buyer', cards: [{ mine: true, code: bought.code, status: 'NORMAL', gift_returned: true }] });
    // The events came with IsReturnBack, and the merchant's stream has them.
    const events = await bff.db.redis.xrange(bff.db.keys.events, '-', '+');
    const payloads = events.map(([, f]) => JSON.parse(f[f.indexOf('payload') + 1]!) as Record<string, unknown>);
    expect(payloads).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Event: 'giftcard_send_to_friend', OrderId: bought.order.order_id, IsReturnBack: true }),
        expect.objectContaining({ Event: 'user_get_card', UserCardCode: bought.code, IsGiveByFriend: false }),
      ]),
    );
  });

  it('reads the return from WeChat alone: GIFT_TIMEOUT, or GIFTING before and the same holder now', () => {
    const prev = { status: 'GIFTING' as const, owner: 'o_giver', gift_returned: false };
    expect(giftReturned({ user_card_status: 'GIFT_TIMEOUT', openid: 'o_giver' }, null)).toBe(true);
    expect(giftReturned({ user_card_status: 'NORMAL', openid: 'o_giver' }, prev)).toBe(true);
    // Accepted: another holder.
    expect(giftReturned({ user_card_status: 'NORMAL', openid: 'o_friend' }, prev)).toBe(false);
    // Kept while the same holder has it; given again, no longer.
    expect(giftReturned({ user_card_status: 'NORMAL', openid: 'o_giver' }, { status: 'NORMAL', owner: 'o_giver', gift_returned: true })).toBe(true);
    expect(giftReturned({ user_card_status: 'GIFTING', openid: 'o_giver' }, { status: 'NORMAL', owner: 'o_giver', gift_returned: true })).toBe(false);
    expect(giftReturned({ user_card_status: 'NORMAL', openid: 'o_giver' }, { status: 'NORMAL', owner: 'o_giver', gift_returned: false })).toBe(false);
  });
});
