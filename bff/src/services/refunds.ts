import { HttpError } from '../http/errors';
import type { ProjectionStore } from '../projector';
import type { WechatClient } from '../wechat';
import { refundDecision, type RefundPolicy } from './refund-policy';

export interface RefundDeps {
  wechat: WechatClient;
  /** Reads the order as WeChat says it is now (order/get, code/get per card) and stores it. */
  projections: Pick<ProjectionStore, 'refreshOrder'>;
  policy: RefundPolicy;
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
  if (deps.policy !== 'any') {
    const order = await deps.projections.refreshOrder(orderId);
    const decision = order ? refundDecision(order, deps.policy) : { allowed: true as const };
    if (!decision.allowed) throw new HttpError(409, 'refund_refused', decision.message, { reasons: decision.reasons });
  }
  const input = { order_id: orderId };
  const result = await deps.wechat.order.refundOrder(input);
  await deps.afterRefund?.(input, result);
  return { ok: true };
}
