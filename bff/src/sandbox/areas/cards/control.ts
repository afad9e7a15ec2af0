import type { GiftCardOrder } from '@giftcard/shared';
import { z } from 'zod';
import type { ControlRoute } from '../../core/control-router';
import type { OutgoingEvent } from '../../core/outbox';

/**
 * What a WeChat user (or the merchant in WeChat's back offices) does around gift cards, as
 * `/sandbox/_control/*` actions. A refused action answers 409 with WeChat's errcode.
 */
export function registerCardControls(post: ControlRoute): void {
  // A user pays for cards on a shelf, having come in by the shelf link (optionally with outer_str).
  post(
    '/_control/shelves/buy',
    z.object({
      openid: z.string().min(1),
      page_id: z.string().min(1),
      items: z.array(z.object({ card_id: z.string().min(1), count: z.number().int().min(1).max(100) })).min(1),
      outer_str: z.string().min(1).max(128).optional(),
    }),
    (purchase, w) => {
      const order = w.cards.buy(purchase);
      w.outbox.publish(payDoneEvent(order, w.config.serviceAccount.originalId));
      return order;
    },
  );

  // A user taps a card button: the jump carries this instead of the code (§14.1).
  post('/_control/codes/encrypt', z.object({ code: z.string().min(1) }), ({ code }, w) => ({ encrypt_code: w.cards.ledger.encrypt(code) }));

  // The merchant opens the URL /card/giftcard/pay/whitelist/add answered and confirms (§8.1.2).
  post('/_control/pay/confirm', z.object({ sub_mch_id: z.string().min(1) }), ({ sub_mch_id }, w) => {
    w.cards.pay.confirm(sub_mch_id);
    return { sub_mch_id, status: w.cards.pay.status(sub_mch_id) };
  });
}

/** §10.1 giftcard_pay_done, with WeChat's field names; FromUserName is the buyer. */
export function payDoneEvent(order: GiftCardOrder, originalId: string): OutgoingEvent {
  return {
    ToUserName: originalId,
    FromUserName: order.open_id,
    CreateTime: order.pay_finish_time,
    MsgType: 'event',
    Event: 'giftcard_pay_done',
    PageId: order.page_id,
    OrderId: order.order_id,
  };
}
