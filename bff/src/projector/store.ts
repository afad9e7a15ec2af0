import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';
import { orderViewFor, type CardProjection, type InvoiceProjection, type OrderProjection, type OrderView } from './mapping';
import type { ProjectionWriter } from './writer';

export interface Page {
  offset?: number;
  limit?: number;
}

/**
 * Reads the projector's records (orders, cards with balances, invoice state per user), and
 * refreshes an order from WeChat on demand. Who may see what is decided here from WeChat's answers:
 * `ordersOf`/`orderFor` give an order only to its buyer and receivers, and each card's code and
 * balance only to its holder. `order`, `card` and `invoiceOf` are the raw records: the caller checks
 * the user (`order.viewers`, `card.owner`) before showing them.
 */
export class ProjectionStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly writer: ProjectionWriter,
  ) {}

  /** The user's orders (bought or received), newest first, as that user may see them. */
  async ordersOf(openid: string, page: Page = {}): Promise<{ total: number; orders: OrderView[] }> {
    const offset = Math.max(0, Math.trunc(page.offset ?? 0));
    const limit = Math.min(100, Math.max(1, Math.trunc(page.limit ?? 20)));
    const key = this.keys.projUserOrders(openid);
    const [total, ids] = await Promise.all([this.redis.zcard(key), this.redis.zrevrange(key, offset, offset + limit - 1)]);
    const orders = await Promise.all(ids.map((id) => this.order(id)));
    return { total, orders: orders.flatMap((o) => (o ? [orderViewFor(o, openid)] : [])).filter((v): v is OrderView => v !== null) };
  }

  /** The order's full record, or null when the projector has none. */
  async order(orderId: string): Promise<OrderProjection | null> {
    return parse<OrderProjection>(await this.redis.get(this.keys.projOrder(orderId)));
  }

  /** The order as `openid` may see it; null when it is not theirs (answer 404), or unknown. */
  async orderFor(openid: string, orderId: string): Promise<OrderView | null> {
    const order = await this.order(orderId);
    return order && orderViewFor(order, openid);
  }

  /** The cards the user holds, newest order first. */
  async cardsOf(openid: string): Promise<CardProjection[]> {
    const all = await this.redis.hgetall(this.keys.projUserCards(openid));
    return Object.values(all)
      .map((v) => JSON.parse(v) as CardProjection)
      .sort((a, b) => b.order_create_time - a.order_create_time || a.order_id.localeCompare(b.order_id) || a.code.localeCompare(b.code));
  }

  /** A card by code (its holder is `owner`), or null. */
  async card(code: string): Promise<CardProjection | null> {
    return parse<CardProjection>(await this.redis.get(this.keys.projCard(code)));
  }

  /** The order's invoice state, or null when no request was ever seen. */
  async invoiceOf(orderId: string): Promise<InvoiceProjection | null> {
    return parse<InvoiceProjection>(await this.redis.get(this.keys.projInvoice(orderId)));
  }

  /** Re-reads the order and its cards from WeChat now and stores them; null when WeChat does not know it. */
  refreshOrder(orderId: string): Promise<OrderProjection | null> {
    return this.writer.refreshOrder(orderId);
  }

  /** Re-reads the code's order (code/get names it) and its cards now; null when WeChat does not know the code. */
  refreshCode(code: string, cardId?: string): Promise<OrderProjection | null> {
    return this.writer.refreshCode(code, cardId);
  }

  /** Re-reads the order's invoice request (getauthdata) now; null when there is none to record. */
  refreshInvoice(orderId: string): Promise<InvoiceProjection | null> {
    return this.writer.refreshInvoice(orderId);
  }
}

function parse<T>(json: string | null): T | null {
  return json === null ? null : (JSON.parse(json) as T);
}
