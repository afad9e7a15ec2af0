import type { CardProjection, OrderProjection } from '../../src/projector/mapping';
import { refundDecision } from '../../src/services/refund-policy';

function card(code: string, over: Partial<CardProjection> = {}): CardProjection {
  return {
    code,
    card_id: 'c50',
    order_id: 'Z1',
    order_create_time: 1,
    price: 5000,
    balance: 5000,
    status: 'NORMAL',
    can_consume: true,
    owner: 'o_buyer',
    begin_time: 1,
    end_time: null,
    background_pic_url: '',
    default_gifting_msg: '',
    accepter_openid: null,
    read_at: 1,
    ...over,
  };
}

function order(cards: CardProjection[], over: Partial<OrderProjection> = {}): OrderProjection {
  return {
    order_id: 'Z1',
    page_id: 'P',
    trans_id: 'T',
    create_time: 1,
    pay_finish_time: 1,
    total_price: 5000 * cards.length,
    buyer: 'o_buyer',
    accepter_openid: null,
    outer_str: null,
    is_chat_room: false,
    cards,
    viewers: ['o_buyer'],
    read_at: 1,
    ...over,
  };
}

describe('refund policy (pure)', () => {
  it('unused: allows an order whose cards are all untouched and still the buyer’s', () => {
    expect(refundDecision(order([card('1'), card('2')]), 'unused')).toEqual({ allowed: true });
    // Expired but untouched: still unused.
    expect(refundDecision(order([card('1', { status: 'EXPIRE', can_consume: false })]), 'unused')).toEqual({ allowed: true });
  });

  it('unused: refuses a spent card, naming it, its balance and what it was bought with', () => {
    const d = refundDecision(order([card('1'), card('2', { balance: 1234 })]), 'unused');
    expect(d).toMatchObject({ allowed: false, reasons: [{ code: 'card_spent', card_id: 'c50', card_code: '2', balance: 1234, bought_with: 5000 }] });
    if (d.allowed) throw new Error('unreachable');
    expect(d.message).toContain('card 2');
    // Spent to 0 but not consumed: spent all the same.
    expect(refundDecision(order([card('1', { balance: 0 })]), 'unused')).toMatchObject({ allowed: false, reasons: [{ code: 'card_spent', balance: 0 }] });
  });

  it('unused: what a card was bought with can differ from its price (init_balance)', () => {
    const bonus = order([card('1', { balance: 6000 })]);
    expect(refundDecision(bonus, 'unused').allowed).toBe(false);
    expect(refundDecision(bonus, 'unused', { c50: 6000 })).toEqual({ allowed: true });
  });

  it('unused: refuses a consumed card', () => {
    expect(refundDecision(order([card('1', { status: 'CONSUMED', can_consume: false })]), 'unused')).toMatchObject({
      allowed: false,
      reasons: [{ code: 'card_consumed', card_code: '1' }],
    });
  });

  it('unused: refuses cards given away (another holder, an accepter) or on their way to a friend', () => {
    const moved = refundDecision(order([card('1', { owner: 'o_friend' })]), 'unused');
    expect(moved).toMatchObject({ allowed: false, reasons: [{ code: 'card_given_away', card_code: '1' }] });
    const accepted = refundDecision(order([card('1')], { accepter_openid: 'o_friend' }), 'unused');
    expect(accepted).toMatchObject({ allowed: false, reasons: [{ code: 'card_given_away' }] });
    const member = refundDecision(order([card('1'), card('2', { accepter_openid: 'o_member', owner: 'o_member' })]), 'unused');
    expect(member).toMatchObject({ allowed: false, reasons: [{ code: 'card_given_away', card_code: '2' }] });
    const gifting = refundDecision(order([card('1', { status: 'GIFTING', can_consume: false })]), 'unused');
    expect(gifting).toMatchObject({ allowed: false, reasons: [{ code: 'card_being_given', card_code: '1' }] });
  });

  it('names every reason of every card', () => {
    const d = refundDecision(order([card('1', { balance: 10, owner: 'o_friend' }), card('2', { status: 'CONSUMED' })]), 'unused');
    if (d.allowed) throw new Error('expected a refusal');
    expect(d.reasons.map((r) => [r.code, r.card_code])).toEqual([
      ['card_spent', '1'],
      ['card_given_away', '1'],
      ['card_consumed', '2'],
    ]);
  });

  it('any: the merchant decides; an order refunded already is left to WeChat', () => {
    expect(refundDecision(order([card('1', { balance: 1, owner: 'o_friend' })]), 'any')).toEqual({ allowed: true });
    const refunded = order([card('1', { status: 'REMOVED', balance: null }), card('2', { status: 'REMOVED', balance: null })]);
    expect(refundDecision(refunded, 'unused')).toEqual({ allowed: true });
  });
});
