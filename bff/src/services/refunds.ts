import type { GiftCardOrder } from '@giftcard/shared';
import { HttpError } from '../http/errors';
import type { ProjectionStore } from '../projector';
import { orderState, type OrderState } from '../projector/mapping';
import { readOrder } from '../projector/read-order';
import type { WechatClient } from '../wechat';
import type { CardCatalog } from './card-catalog';
import { refundDecision, type RefundPolicy } from './refund-policy';

export interface RefundDeps {
  wechat: WechatClient;
  /** The stored order (`order`), and the order as WeChat says it is now, read and stored (`refreshOrder`). */
  projections: Pick<ProjectionStore, 'order' | 'refreshOrder'>;
  policy: RefundPolicy;
  /** What each card held when bought, where that is not its price (`init_balance`). */
  catalog: Pick<CardCatalog, 'initialBalances'>;
  /** Runs the check and the refund holding the till's locks of the order's codes (no debit slips in between). */
  serialise?: <T>(codes: readonly string[], fn: () => Promise<T>) => Promise<T>;
  /** Told after WeChat refunded (the projections' refresh, like every merchant change). */
  afterRefund?: (input: { order_id: string }, result: unknown) => Promise<void>;
}

/**
 * `POST /admin/orders/:order_id/refund`: the refund policy first, on the order re-read from WeChat
 * now, then WeChat's refund (002 §12.2.1). A refusal is 409 `refund_refused` with the reasons, one
 * per card and cause; WeChat is not called. An order WeChat does not know is left to WeChat's own
 * answer (40097). `any` checks nothing and reads nothing before the refund.
 */
export async function refundOrder(deps: RefundDeps, orderId: string): Promise<{ ok: true }> {
  const input = { order_id: orderId };
  const checkAndRefund = async () => {
    if (deps.policy !== 'any') {
      const order = await deps.projections.refreshOrder(orderId);
      const decision = order ? refundDecision(order, deps.policy, await deps.catalog.initialBalances(order.cards.map((c) => c.card_id))) : { allowed: true as const };
      if (!decision.allowed) throw new HttpError(409, 'refund_refused', decision.message, { reasons: decision.reasons });
    }
    return deps.wechat.order.refundOrder(input);
  };
  let result: unknown;
  if (deps.policy !== 'any' && deps.serialise) {
    // The codes first, then the decision under their locks: a till debit cannot land between. An
    // order's codes never change, so the stored order names them; WeChat is asked only for one not stored.
    const known = (await deps.projections.order(orderId)) ?? (await deps.projections.refreshOrder(orderId));
    const codes = known?.cards.map((c) => c.code) ?? [];
    result = await deps.serialise(codes, checkAndRefund);
  } else {
    result = await checkAndRefund();
  }
  await deps.afterRefund?.(input, result);
  return { ok: true };
}

/**
 * `GET /admin/orders/:order_id`: WeChat's order (order/get, as it answers) and its `state`, which
 * order/get does not give: `refunded` when every card left the card pack (code/get 40056), as the
 * consumer's views decide it (`orderState`).
 */
export async function orderWithState(wechat: WechatClient, orderId: string): Promise<{ order: GiftCardOrder; state: OrderState }> {
  const { order, lookups } = await readOrder(wechat, orderId);
  return { order, state: orderState(lookups.map((l) => ({ status: l.found ? l.info.user_card_status : ('REMOVED' as const) }))) };
}
