import type { GiftCardOrder } from '@giftcard/shared';
import { buy, openShop, refusal } from '../support/giftcards';
import { useSandboxWechat } from '../support/wechat';

const DAY = 24 * 60 * 60;

/** Codes and balances (spec 002 §11, §14.1, decrypt per the spec README) through the real client. */
describe('card codes and balances (spec 002 §11)', () => {
  const t = useSandboxWechat();
  let order: GiftCardOrder;
  let card: { code: string; card_id: string };

  beforeEach(async () => {
    const shop = await openShop(t.wechat, t.sandbox, [{ price: 10000 }]);
    order = await buy(t.sandbox, { openid: 'o_buyer', page_id: shop.pageId, items: [{ card_id: shop.cardIds[0]!, count: 1 }] });
    card = { code: order.card_list[0]!.code, card_id: order.card_list[0]!.card_id };
  });

  const apiError = (errcode: number, endpoint: string) => expect.objectContaining({ kind: 'api', errcode, endpoint });
  const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

  it('decrypts the encrypt_code a card-button jump carries (§14.1)', async () => {
    const { encrypt_code } = await t.sandbox.control<{ encrypt_code: string }>('codes/encrypt', { code: card.code });
    expect(encrypt_code).not.toContain(card.code);
    await expect(t.wechat.client.code.decryptCode({ encrypt_code })).resolves.toMatchObject({ code: card.code });
    // Each jump carries a fresh token; all of them decrypt.
    const again = await t.sandbox.control<{ encrypt_code: string }>('codes/encrypt', { code: card.code });
    expect(again.encrypt_code).not.toBe(encrypt_code);
    expect((await t.wechat.client.code.decryptCode(again)).code).toBe(card.code);

    expect(await failure(t.wechat.client.code.decryptCode({ encrypt_code: 'bm90IGEgdG9rZW4=' }))).toEqual(apiError(40056, '/card/code/decrypt'));
    expect(await refusal(t.sandbox.control('codes/encrypt', { code: '000000000000' }))).toMatchObject({ errcode: 40056 });
  });

  it('gets a code: balance in fen, validity, holder, order (§11.4)', async () => {
    const info = await t.wechat.client.code.getCode(card);
    const now = t.sandbox.world.clock.now();
    expect(info).toEqual({
      errcode: 0,
      errmsg: 'ok',
      card: {
        card_id: card.card_id,
        begin_time: expect.any(Number),
        end_time: expect.any(Number),
        balance: 10000,
        code: card.code,
        card_number: card.code,
      },
      openid: 'o_buyer',
      can_consume: true,
      user_card_status: 'NORMAL',
      order_id: order.order_id,
      background_pic_url: order.card_list[0]!.background_pic_url,
    });
    expect(info.card.begin_time).toBeLessThan(now);
    expect(info.card.end_time).toBeGreaterThan(now + 300 * DAY);
    // card_id is optional for codes WeChat generated.
    await expect(t.wechat.client.code.getCode({ code: card.code })).resolves.toMatchObject({ order_id: order.order_id });
  });

  it('answers 40056 for an unknown code or a code of another card', async () => {
    expect(await failure(t.wechat.client.code.getCode({ code: '000000000000' }))).toEqual(apiError(40056, '/card/code/get'));
    expect(await failure(t.wechat.client.code.getCode({ ...card, card_id: 'pSomeOtherCard' }))).toEqual(apiError(40056, '/card/code/get'));
    expect(await failure(t.wechat.client.code.consumeCode({ code: '000000000000' }))).toEqual(apiError(40056, '/card/code/consume'));
    expect(await failure(t.wechat.client.code.updateUserBalance({ code: '000000000000', card_id: card.card_id, balance: 1 }))).toEqual(
      apiError(40056, '/card/generalcard/updateuser'),
    );
  });

  it('sets and changes the balance, never below 0 (§11.2)', async () => {
    await expect(t.wechat.client.code.updateUserBalance({ ...card, balance: 8000, record_balance: '消费20元' })).resolves.toEqual({
      errcode: 0,
      errmsg: 'ok',
      result_bonus: 0,
      result_balance: 8000,
      openid: 'o_buyer',
    });
    expect((await t.wechat.client.code.updateUserBalance({ ...card, add_balance: -3000 })).result_balance).toBe(5000);
    expect((await t.wechat.client.code.updateUserBalance({ ...card, add_balance: 250 })).result_balance).toBe(5250);

    const below = await failure(t.wechat.client.code.updateUserBalance({ ...card, add_balance: -5251 }));
    expect(below).toEqual(apiError(40097, '/card/generalcard/updateuser'));
    expect((await t.wechat.client.code.getCode(card)).card.balance).toBe(5250);
    expect((await t.wechat.client.code.updateUserBalance({ ...card, add_balance: -5250 })).result_balance).toBe(0);

    const withBonus = await t.wechat.client.code.updateUserBalance({ ...card, bonus: 3000, record_bonus: '消费30元,获得3积分', custom_field_value1: '金卡' });
    expect(withBonus).toMatchObject({ result_bonus: 3000, result_balance: 0 });
    expect((await t.wechat.client.code.getCode(card)).card.bonus).toBe(3000);
    expect(t.sandbox.world.cards.ledger.code(card.code).custom_field_values[1]).toBe('金卡');
  });

  it('checks balance fields before WeChat is called; WeChat answers 45021 and 40097 itself', async () => {
    const bad = [
      { ...card, balance: -1 },
      { ...card, balance: 10.5 },
      { ...card, balance: 100, add_balance: 1 },
      { ...card, record_balance: '一二三四五六七八九十一二三四五' },
      { ...card, custom_field_value1: '12345' },
    ];
    for (const req of bad) {
      expect(await failure(t.wechat.client.code.updateUserBalance(req))).toMatchObject({ kind: 'invalid_request', endpoint: '/card/generalcard/updateuser' });
    }
    expect(t.sandbox.world.calls.get('code.updateUserBalance')).toBe(0);

    const token = await t.wechat.tokens.get();
    const raw = (body: object) => t.sandbox.raw('/card/generalcard/updateuser', body, token);
    expect(await raw({ ...card, record_balance: '一二三四五六七八九十一二三四五' })).toMatchObject({ errcode: 45021 });
    expect(await raw({ ...card, custom_field_value2: '五个汉字呀' })).toMatchObject({ errcode: 45021 });
    expect(await raw({ ...card, balance: 100, add_balance: 1 })).toMatchObject({ errcode: 40097 });
    expect((await t.wechat.client.code.getCode(card)).card.balance).toBe(10000);
  });

  it('consumes a code once: then 40099 (§11.3)', async () => {
    await expect(t.wechat.client.code.consumeCode(card)).resolves.toMatchObject({ errcode: 0 });
    expect(await failure(t.wechat.client.code.consumeCode(card))).toEqual(apiError(40099, '/card/code/consume'));
    expect(await failure(t.wechat.client.code.getCode(card))).toEqual(apiError(40099, '/card/code/get'));
    expect(await failure(t.wechat.client.code.updateUserBalance({ ...card, balance: 1 }))).toEqual(apiError(40099, '/card/generalcard/updateuser'));
    // Asked not to check consumption, WeChat shows the consumed card.
    await expect(t.wechat.client.code.getCode({ ...card, check_consume: false })).resolves.toMatchObject({
      user_card_status: 'CONSUMED',
      can_consume: false,
      card: { balance: 10000 },
    });
  });

  it('consumes only within the validity; an expired card shows EXPIRE', async () => {
    const { pageId, cardIds } = await openShop(t.wechat, t.sandbox, [
      { date_info: { type: 'DATE_TYPE_FIX_TERM', fixed_begin_term: 1, fixed_term: 10 } },
      { date_info: { type: 'DATE_TYPE_PERMANENT' } },
    ]);
    const bought = await buy(t.sandbox, {
      openid: 'o_term',
      page_id: pageId,
      items: [
        { card_id: cardIds[0]!, count: 1 },
        { card_id: cardIds[1]!, count: 1 },
      ],
    });
    const [term, permanent] = bought.card_list.map((c) => ({ code: c.code, card_id: c.card_id }));

    const before = await t.wechat.client.code.getCode(term!);
    expect(before.card.begin_time).toBe(bought.create_time + DAY);
    expect(before.card.end_time).toBe(bought.create_time + 11 * DAY);
    expect(before).toMatchObject({ user_card_status: 'NORMAL', can_consume: false });
    expect(await failure(t.wechat.client.code.consumeCode(term!))).toEqual(apiError(40097, '/card/code/consume'));

    await t.sandbox.control('clock/advance', { seconds: 11 * DAY + 1 });
    expect(await t.wechat.client.code.getCode(term!)).toMatchObject({ user_card_status: 'EXPIRE', can_consume: false });
    expect(await failure(t.wechat.client.code.consumeCode(term!))).toEqual(apiError(40097, '/card/code/consume'));
    expect(await t.wechat.client.code.getCode(card)).toMatchObject({ user_card_status: 'NORMAL', can_consume: true });

    const forever = await t.wechat.client.code.getCode(permanent!);
    expect(forever.card.end_time).toBeUndefined();
    expect(forever.can_consume).toBe(true);
    await expect(t.wechat.client.code.consumeCode(permanent!)).resolves.toMatchObject({ errcode: 0 });
  });

  it('starts a card at its init_balance when one is given (§6.3)', async () => {
    const { pageId, cardIds } = await openShop(t.wechat, t.sandbox, [{ price: 8000, init_balance: 10000 }]);
    const bought = await buy(t.sandbox, { openid: 'o_x', page_id: pageId, items: [{ card_id: cardIds[0]!, count: 1 }] });
    expect(bought.total_price).toBe(8000);
    expect((await t.wechat.client.code.getCode({ code: bought.card_list[0]!.code })).card.balance).toBe(10000);
  });
});
