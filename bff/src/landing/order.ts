import { formatFen, parseCellJump, type GiftCardOrder, type GiftCardOrderCard } from '@giftcard/shared';
import { orderState, type OrderState } from '../projector/mapping';
import type { ProjectionStore } from '../projector';
import { isWechatError, type WechatClient } from '../wechat';
import { formatTime, html, messagePage, type Page } from './html';

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
  if (!parsed.ok) return { ok: false, page: messagePage(400, '链接不完整', '订单链接缺少必要的参数，请在微信订单详情中重新打开。') };
  const { orderId, openid } = parsed.jump;
  const refused = { ok: false as const, page: messagePage(403, '无法查看订单', `订单（${orderId}）不存在，或不属于当前微信用户。`) };
  let order: GiftCardOrder;
  try {
    order = (await client.order.getOrder({ order_id: orderId })).order;
  } catch (e) {
    if (isWechatError(e, 40097) || (isWechatError(e) && e.kind === 'invalid_request')) return refused;
    if (isWechatError(e)) return { ok: false, page: messagePage(503, '服务繁忙', '暂时无法读取订单，请稍后刷新重试。') };
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

const ROLE: Record<OrderRole, string> = { buyer: '购买人', accepter: '受赠人', card_accepter: '受赠人' };

/**
 * Whether WeChat refunded the order: order/get does not say, its cards leaving the card pack does
 * (`orderState`), read through the projections (re-read when older than PROJECTION_MAX_AGE_S).
 * Unknown (the cards cannot be read): shown as it stands, paid.
 */
async function stateOf(projections: Pick<ProjectionStore, 'freshOrder'>, orderId: string): Promise<OrderState> {
  const projected = await projections.freshOrder(orderId).catch(() => null);
  return projected ? orderState(projected.cards) : 'paid';
}

/** `GET /landing/order?order_id&openid` (002 §14.2 shelf cell jump: refund, invoice, customer service). */
export async function orderPage(deps: { client: WechatClient; projections: Pick<ProjectionStore, 'freshOrder'> }, query: string): Promise<Page> {
  const access = await loadOrderFor(deps.client, query);
  if (!access.ok) return access.page;
  const { order, openid, role, cards } = access;
  const refunded = (await stateOf(deps.projections, order.order_id)) === 'refunded';
  // Only the buyer paid: the total and the invoice belong to them.
  const buyer = role === 'buyer';
  return {
    status: 200,
    title: '订单详情',
    body: html`
<section class="card">
  <h1>订单详情</h1>
  <dl>
    <dt>订单号</dt><dd id="order-id">${order.order_id}</dd>
    <dt>订单状态</dt><dd id="order-state">${refunded ? '已退款' : '已支付'}</dd>
    <dt>我的身份</dt><dd>${ROLE[role]}</dd>
    <dt>下单时间</dt><dd>${formatTime(order.create_time)}</dd>
    ${buyer ? html`<dt>支付时间</dt><dd>${formatTime(order.pay_finish_time)}</dd><dt>实付金额</dt><dd class="amount" id="total">${formatFen(order.total_price)}</dd>` : ''}
  </dl>
</section>
<section class="card">
  <h2>礼品卡（${cards.length} 张）</h2>
  <ul>${cards.map((c) => html`<li>面值 ${formatFen(c.price)}${refunded ? ' · 已退款' : ''}${c.default_gifting_msg ? html` · ${c.default_gifting_msg}` : ''}</li>`)}</ul>
</section>
<section class="card">
  <h2>售后服务</h2>
  ${buyer ? html`<a class="button" id="invoice-link" href="${invoiceFormPath(order.order_id, openid)}">申请开具发票</a>` : ''}
  ${refunded ? html`<p id="refunded">本订单已退款，礼品卡已从卡包移除。</p>` : html`<p>申请退款：未使用、未转赠的礼品卡可整单退款，请联系客服并提供订单号。</p>`}
  <p>在线客服：在公众号对话中发送“客服”并附上订单号，我们会尽快处理。</p>
</section>`,
  };
}
