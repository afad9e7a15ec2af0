import { z } from 'zod';
import { endpoint, fen, okOnly, okResponse, unixSeconds } from '../endpoint';

export { ORDER_WINDOW_SECONDS, splitOrderWindows, type OrderWindow } from '../order-windows';

/** Gift card orders and refunds: spec 002 §9, §12.2.1. */

/** One card of an order (§9.1 card_list). */
export const giftCardOrderCard = z.object({
  card_id: z.string(),
  /** The card's price, in fen. */
  price: fen,
  /** The code the buyer got (§9.1 "Code obtained by the user"). */
  code: z.string(),
  /** Empty when the buyer wrote a blessing of their own. */
  default_gifting_msg: z.string(),
  /** The card face the buyer chose. */
  background_pic_url: z.string(),
  outer_img_id: z.string().optional(),
  /** Who received this card, once a gift sent to a group chat was accepted. */
  accepter_openid: z.string().optional(),
});
export type GiftCardOrderCard = z.infer<typeof giftCardOrderCard>;

/** An order (§9.1 `order`, §9.2 `order_list` entries). Times are Unix seconds, money fen. */
export const giftCardOrder = z.object({
  order_id: z.string(),
  page_id: z.string(),
  /** WeChat Pay transaction id. */
  trans_id: z.string(),
  create_time: unixSeconds,
  pay_finish_time: unixSeconds,
  total_price: fen,
  /** The buyer. */
  open_id: z.string(),
  /** The receiver, once the gift was accepted. */
  accepter_openid: z.string().optional(),
  card_list: z.array(giftCardOrderCard),
  /** The channel value the shelf link carried (§7.2 note 2). */
  outer_str: z.string().optional(),
  /** Whether the cards were sent to a group chat. */
  IsChatRoom: z.boolean().optional(),
});
export type GiftCardOrder = z.infer<typeof giftCardOrder>;

export const orderSortType = z.enum(['ASC', 'DESC']);

/** §9.2 note 3: "The count cannot exceed 100." */
export const MAX_ORDER_BATCH = 100;

export const orderEndpoints = {
  getOrder: endpoint({
    path: '/card/giftcard/order/get',
    method: 'POST',
    auth: 'access_token',
    request: z.object({ order_id: z.string().min(1) }),
    response: okResponse({ order: giftCardOrder }),
    errors: [40097],
    /** A read: its invalid args is the unknown order_id (a refund's 40097 may be a wrong state instead). */
    notFound: [40097],
    spec: '002 §9.1 Queries - Single Gift Card Order Information Interface',
  }),
  /**
   * Orders created in [begin_time, end_time], paged by offset/count; page until
   * offset + count ≥ total_count (§9.2 note 1). A window over 31 days is WeChat's 40079: use
   * `splitOrderWindows` to cover a longer range.
   */
  batchGetOrders: endpoint({
    path: '/card/giftcard/order/batchget',
    method: 'POST',
    auth: 'access_token',
    request: z.object({
      begin_time: unixSeconds,
      end_time: unixSeconds,
      sort_type: orderSortType.default('ASC'),
      offset: z.number().int().nonnegative(),
      count: z.number().int().min(1).max(MAX_ORDER_BATCH),
    }),
    response: okResponse({ total_count: z.number().int().nonnegative(), order_list: z.array(giftCardOrder).default([]) }),
    errors: [40079, 40097],
    spec: '002 §9.2 Queries - bulk queries for gift card order information interface',
  }),
  /** §12.2.1: "After the refund, the corresponding gift card will disappear in the user card package." */
  refundOrder: endpoint({
    path: '/card/giftcard/order/refund',
    method: 'POST',
    auth: 'access_token',
    request: z.object({ order_id: z.string().min(1) }),
    response: okOnly,
    errors: [40097],
    spec: '002 §12.2.1 Refund Interface',
  }),
} as const;
