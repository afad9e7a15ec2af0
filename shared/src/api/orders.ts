import { z } from 'zod';
import type { CardStatus } from './cards';

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** `GET /api/orders?offset&limit`: newest first. */
export const ordersQuery = z.object({ offset: int(0, 100_000, 0), limit: int(1, 100, 20) }).strict();
export type OrdersQuery = z.infer<typeof ordersQuery>;

export const orderParams = z.object({ orderId: z.string().trim().min(1).max(128) });

/** A card of an order: the user's own cards in full, the others' without code or balance. */
export type OrderCard =
  | {
      mine: true;
      card_id: string;
      /** The card's title as the merchant created it; null when not known. */
      title: string | null;
      code: string;
      price: number;
      balance: number | null;
      status: CardStatus;
      begin_time: number | null;
      end_time: number | null;
      background_pic_url: string;
      default_gifting_msg: string;
      /** Given away, not accepted within 24 hours, and back with this user (002 §10.4). */
      gift_returned: boolean;
    }
  | { mine: false; card_id: string; title: string | null; price: number; status: CardStatus; background_pic_url: string; default_gifting_msg: string };

/**
 * An order (money in fen, times Unix seconds). `role`: the user bought it, or received a card of it.
 * What a receiver is not shown is null (bff/src/policy): the buyer's total and payment time.
 */
export interface Order {
  order_id: string;
  page_id: string;
  create_time: number;
  /** Null for a receiver: the payment is the buyer's. */
  pay_finish_time: number | null;
  /** Null for a receiver: a gift is given without its price. */
  total_price: number | null;
  /** `refunded`: WeChat refunded the order and took its cards back (002 §12.2.1). */
  state: 'paid' | 'refunded';
  role: 'buyer' | 'receiver';
  cards: OrderCard[];
}

export interface OrdersResponse {
  total: number;
  offset: number;
  limit: number;
  orders: Order[];
}

/**
 * A merchant after-sales link of the order's shelf (`cell_1`, `cell_2` of page/add: refunds, invoices,
 * customer service), opened as WeChat opens it from its own order page: the cell's url with `order_id` and
 * the buyer's `openid` added (002 §14.2, cell-jump.ts).
 */
export interface AfterSalesLink {
  title: string;
  url: string;
}

/** One order; `after_sales` only for its buyer (a receiver of one card did not buy it), empty when the shelf has none. */
export interface OrderResponse extends Order {
  after_sales: AfterSalesLink[];
  /** Whether the buyer may ask for an invoice (the shelf's `need_receipt`, 002 §12.2.2); always false for a receiver. */
  invoice_offered: boolean;
  /** The shelf's customer service phone (page/get `service_phone`), for anyone of the order; null when none is known. */
  service_phone: string | null;
}
