import { call, login, purchase, start, type Bff } from '../api/support';
import { terminal, type Terminal } from './support';

/** What a consumer sees after the till moved their money: no event is pushed for it, yet every view follows. */
describe('the consumer after a till debit', () => {
  let bff: Bff;
  let till: Terminal;
  beforeAll(async () => {
    bff = await start();
    till = await terminal(bff);
  });
  afterAll(() => bff.close());

  it('lists, the order and the card history show the new balance at once; the history is the holder’s alone', async () => {
    const bought = await purchase(bff, 'o_till_consumer');
    const token = await login(bff, 'mini_till_consumer');
    const opened = await call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code: bought.encryptCode, card_id: bought.cardId, openid: 'o_till_consumer' } });
    expect(opened.status).toBe(200);

    const debit = await till.pos('POST', '/redemptions', { code: bought.code, amount: 1234, idempotency_key: 'consumer-1', note: '小票 7' });
    expect(debit.status).toBe(201);

    const cards = await call(bff, 'GET', '/api/cards', { token });
    expect(cards.body.cards.find((c: { code: string }) => c.code === bought.code)).toMatchObject({ balance: 5000 - 1234, status: 'NORMAL' });
    const orders = await call(bff, 'GET', '/api/orders', { token });
    const listed = orders.body.orders.find((o: { order_id: string }) => o.order_id === bought.order.order_id);
    expect(listed.cards[0]).toMatchObject({ mine: true, balance: 3766 });
    const order = await call(bff, 'GET', `/api/orders/${bought.order.order_id}`, { token });
    expect(order.body.cards[0]).toMatchObject({ balance: 3766 });
    // The card page opened from 我的礼品卡 (by its code, no jump): live from WeChat.
    const card = await call(bff, 'GET', `/api/cards/${bought.code}`, { token });
    expect(card).toMatchObject({ status: 200, body: { code: bought.code, balance: 3766, status: 'NORMAL', face_value: 5000 } });
    expect(card.text).not.toContain('o_till_consumer');

    const reversal = await till.pos('POST', `/redemptions/${debit.body.redemption.id}/reversal`, { idempotency_key: 'consumer-1-rev' });
    expect(reversal.status).toBe(201);
    expect((await call(bff, 'GET', '/api/cards', { token })).body.cards.find((c: { code: string }) => c.code === bought.code).balance).toBe(5000);

    const history = await call(bff, 'GET', `/api/cards/${bought.code}/history`, { token });
    expect(history.status).toBe(200);
    expect(history.body.history).toEqual([
      { id: reversal.body.reversal.id, kind: 'reversal', amount: 1234, balance_after: 5000, created_at: expect.any(Number), note: null, reversed_at: null },
      { id: debit.body.redemption.id, kind: 'debit', amount: 1234, balance_after: 3766, created_at: expect.any(Number), note: '小票 7', reversed_at: expect.any(Number) },
    ]);
    expect(history.text).not.toContain('term_');

    // Anyone else, whatever they guess: 404.
    const stranger = await login(bff, 'mini_till_stranger');
    expect((await call(bff, 'GET', `/api/cards/${bought.code}/history`, { token: stranger })).status).toBe(404);
    expect((await call(bff, 'GET', '/api/cards/999999999999/history', { token })).status).toBe(404);
    expect((await call(bff, 'GET', `/api/cards/${bought.code}/history`)).status).toBe(401);
  });

  it('the history follows the holder WeChat names now, not a projection that has not caught up (the giver gets 410); an unlinked session costs no WeChat call', async () => {
    const bought = await purchase(bff, 'o_till_giver');
    const token = await login(bff, 'mini_till_giver');
    await call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code: bought.encryptCode, card_id: bought.cardId, openid: 'o_till_giver' } });
    expect((await call(bff, 'GET', `/api/cards/${bought.code}/history`, { token })).status).toBe(200);
    // The card changes hands in WeChat; the projection still names the giver.
    bff.world.cards.ledger.code(bought.code).openid = 'o_till_friend';
    expect((await bff.projector!.store.card(bought.code))!.owner).toBe('o_till_giver');
    // The giver learns it was given away (410), and reads nothing of the friend's spending.
    const giver = await call(bff, 'GET', `/api/cards/${bought.code}/history`, { token });
    expect([giver.status, giver.body.error.code, giver.body.history]).toEqual([410, 'given_away', undefined]);

    const unlinked = await login(bff, 'mini_till_unlinked');
    const before = bff.world.calls.get('code.getCode');
    expect((await call(bff, 'GET', `/api/cards/${bought.code}`, { token: unlinked })).status).toBe(404);
    expect(bff.world.calls.get('code.getCode')).toBe(before);
  });
});
