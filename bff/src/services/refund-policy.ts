import { orderState, type OrderProjection } from '../projector/mapping';

/**
 * The refund policy the shelf and order pages state ("未使用、未转赠的礼品卡可整单退款"), decided
 * before WeChat's refund is called. Pure: a function of the order as WeChat says it is now
 * (order/get and each card's code/get, read just before).
 *
 * - `unused` (default): every card of the order must be unused (its balance what it was bought
 *   with, not consumed) and not given away (still held by the buyer, nobody accepted it, not on its
 *   way to a friend).
 * - `any`: the merchant decides; the BFF checks nothing and WeChat has the last word.
 */
export type RefundPolicy = 'unused' | 'any';

/** Why one card stops the refund. Money in fen. */
export type RefundRefusalReason =
  | { code: 'card_consumed'; card_id: string; card_code: string; message: string }
  | { code: 'card_spent'; card_id: string; card_code: string; balance: number; bought_with: number; message: string }
  | { code: 'card_given_away'; card_id: string; card_code: string; message: string }
  | { code: 'card_being_given'; card_id: string; card_code: string; message: string };

export type RefundDecision = { allowed: true } | { allowed: false; message: string; reasons: RefundRefusalReason[] };

/**
 * Whether `policy` lets the order be refunded. `boughtWith` gives a card's balance at purchase when
 * it differs from its price (a card created with its own `init_balance`); otherwise the price paid
 * is what an unused card holds. An order refunded already is not refused here: WeChat answers that.
 */
export function refundDecision(order: OrderProjection, policy: RefundPolicy, boughtWith: Readonly<Record<string, number>> = {}): RefundDecision {
  if (policy === 'any' || orderState(order.cards) === 'refunded') return { allowed: true };
  const reasons: RefundRefusalReason[] = [];
  for (const c of order.cards) {
    const card = { card_id: c.card_id, card_code: c.code };
    if (c.status === 'REMOVED') continue;
    if (c.status === 'CONSUMED') {
      reasons.push({ code: 'card_consumed', ...card, message: `card ${c.code} was consumed` });
    } else {
      const initial = boughtWith[c.card_id] ?? c.price;
      if (c.balance !== null && c.balance !== initial) {
        reasons.push({ code: 'card_spent', ...card, balance: c.balance, bought_with: initial, message: `card ${c.code} holds ${c.balance} fen, bought with ${initial}: it was used` });
      }
    }
    if (c.status === 'GIFTING') {
      reasons.push({ code: 'card_being_given', ...card, message: `card ${c.code} is on its way to a friend` });
    } else if (c.owner !== order.buyer || c.accepter_openid !== null || order.accepter_openid !== null) {
      reasons.push({ code: 'card_given_away', ...card, message: `card ${c.code} was given away: the buyer no longer holds it` });
    }
  }
  if (reasons.length === 0) return { allowed: true };
  return {
    allowed: false,
    message: `order ${order.order_id} cannot be refunded (REFUND_POLICY=unused: every card unused and still held by the buyer): ${reasons.map((r) => r.message).join('; ')}`,
    reasons,
  };
}
