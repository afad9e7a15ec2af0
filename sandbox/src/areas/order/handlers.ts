import { ORDER_WINDOW_SECONDS, type orderEndpoints } from '@giftcard/shared';
import type { AreaHandlers } from '../../core/handler';
import { WechatFault } from '../../core/fault';

/** Spec 002 §9 (orders) and §12.2.1 (refund). */
export const orderHandlers: AreaHandlers<typeof orderEndpoints> = {
  getOrder: (req, { world }) => ({ order: world.cards.ledger.order(req.order_id).order }),
  batchGetOrders: (req, { world }) => {
    // §9.2 note 2: "begin_time and end_time cannot span more than 31 days"; 40079 is "the time was
    // not filled out correctly" (003 §1.8).
    if (req.end_time < req.begin_time) throw new WechatFault(40079, 'invalid time: end_time is before begin_time');
    if (req.end_time - req.begin_time > ORDER_WINDOW_SECONDS) {
      throw new WechatFault(40079, 'invalid time: begin_time and end_time cannot span more than 31 days');
    }
    const orders = world.cards.ledger.ordersCreatedBetween(req.begin_time, req.end_time, req.sort_type);
    return { total_count: orders.length, order_list: orders.slice(req.offset, req.offset + req.count) };
  },
  refundOrder: (req, { world }) => {
    world.cards.refund(req.order_id);
    return {};
  },
};
