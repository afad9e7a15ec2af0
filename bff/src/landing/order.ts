import { formatFen, parseCellJump, type GiftCardOrder, type GiftCardOrderCard } from '@giftcard/shared';
import { orderState, type OrderState } from '../projector/mapping';
import type { ProjectionStore } from '../projector';
import { isNotFound, isWechatError, wechatFailureOf, type WechatClient } from '../wechat';
import { orderDisclosure, viewerOf } from '../policy';
import type { CardCatalog } from '../services/card-catalog';
import { cell, cells, formatTime, html, linkCell, messagePage, type Page, type SafeHtml } from './html';
import { wechatTroublePage } from './wechat-trouble';

/**
 * How the visitor relates to the order, per `/card/giftcard/order/get`: its buyer (`open_id`), the
 * friend who accepted the whole gift (`accepter_openid`), or the accepter of some of its cards from
 * a group chat (`card_list[].accepter_openid`), who sees only those cards.
 */
export type OrderRole = 'buyer' | 'accepter' | 'card_accepter';

export type OrderAccess = { ok: true; order: GiftCardOrder; openid: string; role: OrderRole; cards: GiftCardOrderCard[] } | { ok: false; page: Page };

export function roleOf(order: GiftCardOrder, openid: string): OrderRole | undefined {
  if (order.open_id === openid) return 'buyer';
  // Per card first: from a group chat WeChat may also name the first taker as the order's accepter,
  // and they must still see only the card they took.
  if (order.card_list.some((c) => c.accepter_openid === openid)) return 'card_accepter';
  if (order.accepter_openid === openid) return 'accepter';
  return undefined;
}

/**
 * Reads the cell jump's order and decides who may see it. Another openid (IDOR) and an unknown
 * order get the same refusal: a stranger cannot even learn that the order exists.
 */
export async function loadOrderFor(client: WechatClient, query: string): Promise<OrderAccess> {
  const parsed = parseCellJump(query);
  if (!parsed.ok) return { ok: false, page: messagePage(400, '链接不完整', '这个订单链接不完整，无法打开。', { hint: '请在微信「我 › 卡包」中找到礼品卡，从卡券详情里重新打开订单。' }) };
  const { orderId, openid } = parsed.jump;
  // The same page for an unknown order and someone else's: it names nothing of the order.
  const refused = {
    ok: false as const,
    page: messagePage(403, '无法查看订单', '没有找到你的这笔订单，它可能属于另一个微信账号。', { hint: '请在微信「我 › 卡包」中找到礼品卡，从卡券详情里打开订单。' }),
  };
  let order: GiftCardOrder;
  try {
    order = (await client.order.getOrder({ order_id: orderId })).order;
  } catch (e) {
    if (isNotFound(e) || wechatFailureOf(e) === 'invalid_request') return refused;
    if (isWechatError(e)) return { ok: false, page: wechatTroublePage(e, '订单', '/landing/order', query) };
    throw e;
  }
  const role = roleOf(order, openid);
  if (role === undefined) return refused;
  const cards = role === 'card_accepter' ? order.card_list.filter((c) => c.accepter_openid === openid) : order.card_list;
  return { ok: true, order, openid, role, cards };
}

/** The invoice form's URL for the order (same parameters as the cell jump). */
export function invoiceFormPath(orderId: string, openid: string): string {
  return `/landing/order/invoice?order_id=${encodeURIComponent(orderId)}&openid=${encodeURIComponent(openid)}`;
}

const ROLE: Record<OrderRole, string> = { buyer: '我购买的', accepter: '好友赠送', card_accepter: '好友赠送' };

/**
 * Whether WeChat refunded the order: order/get does not say, its cards leaving the card pack does
 * (`orderState`), read through the projections (re-read when older than PROJECTION_MAX_AGE_S).
 * Unknown (the cards cannot be read): shown as it stands, paid.
 */
export async function stateOf(projections: Pick<ProjectionStore, 'freshOrder'>, orderId: string): Promise<OrderState> {
  const projected = await projections.freshOrder(orderId).catch(() => null);
  return projected ? orderState(projected.cards) : 'paid';
}

/** Whether an order can be invoiced; `state` when the caller already read it (else it is read). */
export type InvoiceOfferCheck = (order: { order_id: string; page_id: string; state?: OrderState }) => Promise<boolean>;

export interface OrderPageDeps {
  client: WechatClient;
  projections: Pick<ProjectionStore, 'freshOrder'>;
  /** The cards' titles, as the merchant created them. */
  catalog: Pick<CardCatalog, 'infos'>;
  /** Whether the order can be invoiced (services/invoice-offer.ts); without it every unrefunded order is. */
  invoiceOffered?: InvoiceOfferCheck;
}

/**
 * `GET /landing/order?order_id&openid` (002 §14.2 shelf cell jump: refund, invoice, customer service).
 * What each viewer sees of the order is the policy's (bff/src/policy), as in the Mini Program API: a
 * gift's receiver sees the cards, not the buyer's total, payment or after-sales.
 */
export async function orderPage(deps: OrderPageDeps, query: string): Promise<Page> {
  const access = await loadOrderFor(deps.client, query);
  if (!access.ok) return access.page;
  const { order, openid, role, cards } = access;
  const state = await stateOf(deps.projections, order.order_id);
  const refunded = state === 'refunded';
  const shown = orderDisclosure(viewerOf(role));
  const titles = await deps.catalog.infos(cards.map((c) => c.card_id)).catch(() => ({}) as Record<string, { title: string | null }>);
  const name = (c: GiftCardOrderCard) => titles[c.card_id]?.title || '礼品卡';
  const stateText = refunded ? '已退款' : shown.payment ? '已支付' : undefined;
  const invoicing = shown.invoice && (deps.invoiceOffered ? await deps.invoiceOffered({ order_id: order.order_id, page_id: order.page_id, state }) : !refunded);
  return {
    status: 200,
    title: '订单详情',
    body: html`
${summary(refunded, shown.total ? formatFen(order.total_price) : undefined)}
${cells(undefined, [
  cell('订单号', order.order_id, { id: 'order-id' }),
  cell('订单类型', ROLE[role]),
  stateText ? cell('订单状态', stateText, { id: 'order-state' }) : html``,
  shown.payment ? cell('下单时间', formatTime(order.create_time)) : html``,
  shown.payment && order.pay_finish_time ? cell('支付时间', formatTime(order.pay_finish_time)) : html``,
])}
${cells(
  `礼品卡（${cards.length} 张）`,
  cards.map((c) => cell(name(c), refunded ? `面值 ${formatFen(c.price)} · 已退款` : `面值 ${formatFen(c.price)}`)),
  'cards',
)}
${cells('售后服务', [
  invoicing ? linkCell('申请开具发票', invoiceFormPath(order.order_id, openid), { id: 'invoice-link' }) : html``,
  shown.afterSales && !refunded ? cell('申请退款', '未使用、未转赠的卡可退') : html``,
  cell('联系客服', '公众号内发送“客服”'),
])}
<div class="weui-cells__tips">${shown.afterSales ? '退款或开票遇到问题，请在公众号对话中发送“客服”并附上订单号，我们会尽快处理。' : '如有疑问，请在公众号对话中发送“客服”并附上订单号。'}</div>`,
  };
}

/** The page's head: what the order is to this viewer, at a glance. */
function summary(refunded: boolean, total: string | undefined): SafeHtml {
  if (total !== undefined) {
    return refunded
      ? html`<div class="balance" id="refunded"><h1>本订单已退款</h1><p><span id="total">${total}</span> 已原路退回，礼品卡已从卡包移除。</p></div>`
      : html`<div class="balance"><p>实付金额</p><div class="amount" id="total">${total}</div><p>已支付，礼品卡已放入卡包。</p></div>`;
  }
  return refunded
    ? html`<div class="balance" id="refunded"><h1>这份礼物已退款</h1><p>礼品卡已从卡包移除，不能再使用。</p></div>`
    : html`<div class="balance"><h1>好友送你的礼品卡</h1><p>可在微信「我 › 卡包」中查看和使用。</p></div>`;
}
