import { parseEvent, type CodeInfo, type GiftCardOrder } from '@giftcard/shared';
import {
  invoiceProjection,
  merchantChangeTarget,
  orderProjection,
  orderState,
  orderViewFor,
  orderWrites,
  projectionTarget,
  staleOrderIds,
  type CodeLookup,
  type OrderProjection,
} from '../../src/projector/mapping';
import { redisKeys } from '../../src/redis/keys';

const keys = redisKeys('p:');

const ORDER: GiftCardOrder = {
  order_id: 'Z1',
  page_id: 'P1',
  trans_id: '4200000000000000000000000001',
  create_time: 1_700_000_000,
  pay_finish_time: 1_700_000_005,
  total_price: 12500,
  open_id: 'o_buyer',
  card_list: [
    { card_id: 'c100', price: 10000, code: '111', default_gifting_msg: 'hi', background_pic_url: 'http://face/1' },
    { card_id: 'c25', price: 2500, code: '222', default_gifting_msg: '', background_pic_url: 'http://face/2' },
  ],
  IsChatRoom: false,
};

function codeInfo(code: string, cardId: string, over: Partial<CodeInfo> & { balance?: number; end_time?: number } = {}): CodeLookup {
  const { balance = 10000, end_time, ...rest } = over;
  return {
    found: true,
    info: {
      card: { card_id: cardId, begin_time: 1_699_000_000, ...(end_time !== undefined && { end_time }), balance, code, card_number: code },
      openid: 'o_buyer',
      can_consume: true,
      user_card_status: 'NORMAL',
      order_id: 'Z1',
      background_pic_url: 'http://face/1',
      ...rest,
    },
  };
}

describe('projection mapping (pure: WeChat answers → records)', () => {
  it('maps order/get + code/get to the order record: cards with code, price, balance, status, holder, validity', () => {
    const p = orderProjection(ORDER, [codeInfo('111', 'c100', { end_time: 1_800_000_000 }), codeInfo('222', 'c25', { balance: 3000, background_pic_url: 'http://face/new' })], 42);
    expect(p).toEqual({
      order_id: 'Z1',
      page_id: 'P1',
      trans_id: '4200000000000000000000000001',
      create_time: 1_700_000_000,
      pay_finish_time: 1_700_000_005,
      total_price: 12500,
      buyer: 'o_buyer',
      accepter_openid: null,
      outer_str: null,
      is_chat_room: false,
      viewers: ['o_buyer'],
      read_at: 42,
      cards: [
        {
          code: '111',
          card_id: 'c100',
          order_id: 'Z1',
          order_create_time: 1_700_000_000,
          price: 10000,
          balance: 10000,
          status: 'NORMAL',
          can_consume: true,
          owner: 'o_buyer',
          begin_time: 1_699_000_000,
          end_time: 1_800_000_000,
          background_pic_url: 'http://face/1',
          default_gifting_msg: 'hi',
          accepter_openid: null,
          gift_returned: false,
          read_at: 42,
        },
        expect.objectContaining({ code: '222', price: 2500, balance: 3000, end_time: null, background_pic_url: 'http://face/new' }),
      ],
    });
  });

  it('a code WeChat no longer knows (refunded) is REMOVED: no balance; its last holder is kept from the record before', () => {
    const p = orderProjection(ORDER, [{ found: false }, codeInfo('222', 'c25')], 1);
    expect(p.cards[0]).toMatchObject({ status: 'REMOVED', balance: null, owner: null, can_consume: false, begin_time: null, end_time: null });
    expect(() => orderProjection(ORDER, [{ found: false }], 1)).toThrow(/2 cards, 1 code lookups/);

    const held = orderProjection(ORDER, [codeInfo('111', 'c100', { openid: 'o_friend' }), codeInfo('222', 'c25')], 1);
    const refunded = orderProjection(ORDER, [{ found: false }, { found: false }], 2, held);
    expect(refunded.cards.map((c) => [c.status, c.owner, c.balance])).toEqual([
      ['REMOVED', 'o_friend', null],
      ['REMOVED', 'o_buyer', null],
    ]);
    expect(refunded.viewers).toEqual(['o_buyer', 'o_friend']);
    // Read again later: still the same holders (the record before is REMOVED too).
    expect(orderProjection(ORDER, [{ found: false }, { found: false }], 3, refunded).cards.map((c) => c.owner)).toEqual(['o_friend', 'o_buyer']);
  });

  it('an order is refunded when every card is REMOVED (order/get says nothing of a refund); one card still known: paid', () => {
    expect(orderState([{ status: 'REMOVED' }, { status: 'REMOVED' }])).toBe('refunded');
    expect(orderState([{ status: 'REMOVED' }, { status: 'NORMAL' }])).toBe('paid');
    expect(orderState([{ status: 'CONSUMED' }])).toBe('paid');
    expect(orderState([])).toBe('paid');
  });

  it('a refunded order stays with its viewers: the holder keeps the card in their hash as REMOVED and sees it as theirs', () => {
    const before = orderProjection(ORDER, [codeInfo('111', 'c100'), codeInfo('222', 'c25')], 1);
    const after = orderProjection(ORDER, [{ found: false }, { found: false }], 2, before);
    const ops = orderWrites(keys, before, after);
    expect(ops).toContainEqual({ op: 'HSET', key: 'p:proj:user:o_buyer:cards', field: '111', value: JSON.stringify(after.cards[0]) });
    expect(ops.filter((o) => o.op === 'HDEL' || o.op === 'ZREM' || o.op === 'DEL')).toEqual([]);
    const view = orderViewFor(after, 'o_buyer')!;
    expect(view.state).toBe('refunded');
    expect(view.cards[0]).toMatchObject({ mine: true, code: '111', status: 'REMOVED', balance: null });
    expect(orderViewFor(before, 'o_buyer')!.state).toBe('paid');
  });

  it('viewers come from WeChat only: buyer, accepters, holders', () => {
    const order = { ...ORDER, accepter_openid: 'o_friend', card_list: ORDER.card_list.map((c, i) => (i === 1 ? { ...c, accepter_openid: 'o_member' } : c)) };
    const p = orderProjection(order, [codeInfo('111', 'c100', { openid: 'o_friend' }), codeInfo('222', 'c25', { openid: 'o_later_holder' })], 1);
    expect(p.viewers).toEqual(['o_buyer', 'o_friend', 'o_later_holder', 'o_member']);
    expect(p.accepter_openid).toBe('o_friend');
  });

  it('writes: order, cards, holder hashes, viewer lists; a moved card leaves the giver, a lost viewer loses the order', () => {
    const before = orderProjection(ORDER, [codeInfo('111', 'c100'), codeInfo('222', 'c25')], 1);
    const first = orderWrites(keys, null, before);
    expect(first).toEqual([
      { op: 'SET', key: 'p:proj:order:Z1', value: JSON.stringify(before) },
      { op: 'SET', key: 'p:proj:card:111', value: JSON.stringify(before.cards[0]) },
      { op: 'HSET', key: 'p:proj:user:o_buyer:cards', field: '111', value: JSON.stringify(before.cards[0]) },
      { op: 'SET', key: 'p:proj:card:222', value: JSON.stringify(before.cards[1]) },
      { op: 'HSET', key: 'p:proj:user:o_buyer:cards', field: '222', value: JSON.stringify(before.cards[1]) },
      { op: 'ZADD', key: 'p:proj:user:o_buyer:orders', score: 1_700_000_000, member: 'Z1' },
      { op: 'INCR', key: 'p:proj:user:o_buyer:v' },
    ]);

    const accepted = orderProjection({ ...ORDER, accepter_openid: 'o_friend' }, [codeInfo('111', 'c100', { openid: 'o_friend' }), codeInfo('222', 'c25', { openid: 'o_friend' })], 2);
    const moved = orderWrites(keys, before, accepted);
    expect(moved).toContainEqual({ op: 'HSET', key: 'p:proj:user:o_friend:cards', field: '111', value: JSON.stringify(accepted.cards[0]) });
    expect(moved).toContainEqual({ op: 'HDEL', key: 'p:proj:user:o_buyer:cards', field: '111' });
    expect(moved).toContainEqual({ op: 'HDEL', key: 'p:proj:user:o_buyer:cards', field: '222' });
    expect(moved).toContainEqual({ op: 'ZADD', key: 'p:proj:user:o_buyer:orders', score: 1_700_000_000, member: 'Z1' });
    expect(moved).toContainEqual({ op: 'ZADD', key: 'p:proj:user:o_friend:orders', score: 1_700_000_000, member: 'Z1' });
    expect(moved.filter((o) => o.op === 'ZREM')).toEqual([]);
    // Both the giver's and the receiver's cached lists are out of date.
    expect(moved.filter((o) => o.op === 'INCR')).toEqual([
      { op: 'INCR', key: 'p:proj:user:o_buyer:v' },
      { op: 'INCR', key: 'p:proj:user:o_friend:v' },
    ]);

    // The same answer again writes the same (idempotent) and removes nothing.
    expect(orderWrites(keys, accepted, accepted).filter((o) => o.op === 'HDEL' || o.op === 'ZREM' || o.op === 'DEL')).toEqual([]);

    // A holder who is no longer one (the gift came back) loses the order from their list.
    const back = orderProjection(ORDER, [codeInfo('111', 'c100'), codeInfo('222', 'c25')], 3, accepted);
    const ops = orderWrites(keys, accepted, back);
    expect(ops).toContainEqual({ op: 'ZREM', key: 'p:proj:user:o_friend:orders', member: 'Z1' });
    expect(ops).toContainEqual({ op: 'HDEL', key: 'p:proj:user:o_friend:cards', field: '222' });
    expect(ops.filter((o) => o.op === 'HSET' && o.field === '222').map((o) => o.key)).toEqual(['p:proj:user:o_buyer:cards']);
  });

  it('an order as one viewer sees it: own cards in full, others without code, balance or holder; strangers see nothing', () => {
    const p: OrderProjection = orderProjection(
      { ...ORDER, accepter_openid: 'o_friend' },
      [codeInfo('111', 'c100', { openid: 'o_friend' }), codeInfo('222', 'c25')],
      1,
    );
    const buyer = orderViewFor(p, 'o_buyer')!;
    expect(buyer.role).toBe('buyer');
    expect(buyer.cards[0]).toEqual({ mine: false, card_id: 'c100', order_id: 'Z1', price: 10000, status: 'NORMAL', background_pic_url: 'http://face/1', default_gifting_msg: 'hi' });
    expect(buyer.cards[1]).toMatchObject({ mine: true, code: '222', balance: 10000 });
    expect(buyer).not.toHaveProperty('viewers');
    const friend = orderViewFor(p, 'o_friend')!;
    expect(friend.role).toBe('receiver');
    expect(friend.cards.map((c) => c.mine)).toEqual([true, false]);
    expect(JSON.stringify(friend.cards[1])).not.toContain('222');
    expect(orderViewFor(p, 'o_stranger')).toBeNull();
  });

  it('invoice records from getauthdata, or not_authorized', () => {
    const user_auth_info = { user_field: { title: 'Ms Li' } };
    expect(invoiceProjection('Z1', { invoice_status: 'auth success', auth_time: 1_700_000_100, user_auth_info }, 7)).toEqual({
      order_id: 'Z1',
      state: 'authorized',
      invoice_status: 'auth success',
      auth_time: 1_700_000_100,
      user_auth_info,
      read_at: 7,
    });
    expect(invoiceProjection('Z1', null, 8)).toEqual({ order_id: 'Z1', state: 'not_authorized', invoice_status: null, auth_time: null, user_auth_info: null, read_at: 8 });
  });

  it('reads stream payloads with the one parseEvent, in either shape (XML strings, or the parsed event the callback stores), and names what to re-read', () => {
    const asXml = { ToUserName: 'gh', FromUserName: 'o_x', CreateTime: 1447848568, MsgType: 'event', Event: 'giftcard_send_to_friend', PageId: 'P', OrderId: 'Z9', IsChatRoom: 'false', IsReturnBack: '1' };
    const parsed = parseEvent(JSON.stringify(asXml));
    expect(parsed).toMatchObject({ ok: true, event: { Event: 'giftcard_send_to_friend', IsReturnBack: true, CreateTime: 1447848568 } });
    const asParsed = { ...asXml, IsChatRoom: false, IsReturnBack: true };
    expect(parseEvent(JSON.stringify(asParsed))).toEqual(parsed);
    if (!parsed.ok) throw new Error('unreachable');
    expect(projectionTarget(parsed.event)).toEqual({ kind: 'order', orderId: 'Z9' });

    const getCard = parseEvent(
      JSON.stringify({ ToUserName: 'gh', FromUserName: 'o_x', CreateTime: 1, MsgType: 'event', Event: 'user_get_card', CardId: 'c1', UserCardCode: '00123', IsGiveByFriend: 1, FriendUserName: 'o_y', OldUserCardCode: '' }),
    );
    expect(getCard.ok && projectionTarget(getCard.event)).toEqual({ kind: 'code', code: '00123', cardId: 'c1' });
    const invoice = parseEvent(
      JSON.stringify({ ToUserName: 'gh', FromUserName: 'o_x', CreateTime: 1, MsgType: 'event', Event: 'user_authorize_invoice', SuccOrderId: '', FailOrderId: 'Z7', AppId: 'wx', Source: 'web' }),
    );
    expect(invoice.ok && projectionTarget(invoice.event)).toEqual({ kind: 'invoice', orderId: 'Z7' });
    const merchant = parseEvent(JSON.stringify({ ToUserName: 'gh', FromUserName: 'o_x', CreateTime: 1, MsgType: 'event', Event: 'card_merchant_check_result', MerchantId: 12, IsPass: 1, Reason: '' }));
    expect(merchant.ok && projectionTarget(merchant.event)).toEqual({ kind: 'none' });

    expect(parseEvent(JSON.stringify({ ...asXml, OrderId: '' }))).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(parseEvent('[1]')).toMatchObject({ ok: false, error: { kind: 'malformed', message: /not a JSON object/ } });
    expect(parseEvent('{')).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });

  it('a change made through the merchant API names what to re-read: the code (balance, consume) or the order (refund)', () => {
    expect(merchantChangeTarget('code.updateUserBalance', { code: '111', card_id: 'c100', balance: 1 })).toEqual({ kind: 'code', code: '111', cardId: 'c100' });
    expect(merchantChangeTarget('code.consumeCode', { code: '111' })).toEqual({ kind: 'code', code: '111' });
    expect(merchantChangeTarget('order.refundOrder', { order_id: 'Z1' })).toEqual({ kind: 'order', orderId: 'Z1' });
    expect(merchantChangeTarget('order.getOrder', { order_id: 'Z1' })).toEqual({ kind: 'none' });
    expect(merchantChangeTarget('code.consumeCode', {})).toEqual({ kind: 'none' });
    expect(merchantChangeTarget('order.refundOrder', undefined)).toEqual({ kind: 'none' });
  });

  it('stale orders: read longer ago than the age, not refunded, oldest first, each order once, at most the limit', () => {
    const now = 1_000_000;
    const records = [
      { order_id: 'fresh', read_at: now - 60_000 },
      { order_id: 'B', read_at: now - 90_000 },
      { order_id: 'A', read_at: now - 120_000 },
      { order_id: 'A', read_at: now - 70_000 },
      { order_id: 'C', read_at: now - 61_000 },
    ];
    expect(staleOrderIds(records, now, 60_000, 10)).toEqual(['A', 'B', 'C']);
    expect(staleOrderIds(records, now, 60_000, 2)).toEqual(['A', 'B']);
    expect(staleOrderIds(records, now, 60_000, 0)).toEqual([]);
    expect(staleOrderIds(records, now, 200_000, 10)).toEqual([]);
    expect(staleOrderIds([], now, 0, 3)).toEqual([]);
    // A refunded order is final: never re-read for its age.
    expect(staleOrderIds([{ order_id: 'R', read_at: 0, settled: true }, ...records], now, 60_000, 1)).toEqual(['A']);
  });
});
