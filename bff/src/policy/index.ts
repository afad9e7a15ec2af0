/**
 * One answer per question of who sees what, for the Mini Program API (api/) and the landing pages
 * (landing/) alike: neither decides on its own. Pure: no I/O, no Koa.
 */

/** How a user relates to an order: bought it, or received a card of it (whole gift or one card of a group gift). */
export type OrderViewer = 'buyer' | 'receiver';

/** What of an order a viewer is shown. */
export interface OrderDisclosure {
  /** The amount the buyer paid (total_price). A receiver is given a gift, not its price. */
  total: boolean;
  /** The payment: paid or not, and when (pay_finish_time). The buyer's business. */
  payment: boolean;
  /** Asking for an invoice: the invoice is the payer's. */
  invoice: boolean;
  /** The shelf's after-sales cells (refund, invoice): they act on the purchase, so the buyer's. */
  afterSales: boolean;
}

const BUYER: OrderDisclosure = Object.freeze({ total: true, payment: true, invoice: true, afterSales: true });
const RECEIVER: OrderDisclosure = Object.freeze({ total: false, payment: false, invoice: false, afterSales: false });

export function orderDisclosure(viewer: OrderViewer): OrderDisclosure {
  return viewer === 'buyer' ? { ...BUYER } : { ...RECEIVER };
}

/**
 * The landing page's finer roles (order/get names the accepter of a whole gift and the accepters of
 * single cards apart) as the policy's viewers.
 */
export function viewerOf(role: 'buyer' | 'accepter' | 'card_accepter'): OrderViewer {
  return role === 'buyer' ? 'buyer' : 'receiver';
}

/**
 * A card's code is a bearer credential (whoever has it can spend the card): only its current holder
 * sees it; a buyer who gave the card away no longer does.
 */
export function cardCodeVisible(card: { owner?: string | null }, openid: string): boolean {
  return typeof card.owner === 'string' && card.owner !== '' && card.owner === openid;
}
