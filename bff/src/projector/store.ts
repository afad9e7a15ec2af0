import type { Logger } from '../log';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';
import {
  merchantChangeTarget,
  orderState,
  orderViewFor,
  staleOrderIds,
  type CardProjection,
  type FreshnessRecord,
  type InvoiceProjection,
  type OrderProjection,
  type OrderView,
} from './mapping';
import type { ProjectionWriter } from './writer';

/** How list reads follow changes made outside the BFF (another system calling WeChat directly). */
export interface Freshness {
  /** A projection read from WeChat longer ago than this (ms) is re-read when its list is opened. */
  maxAgeMs: number;
  /**
   * At most this many stale orders are re-read per request, inline (each order/get plus a code/get
   * per card); the rest are served as they are and re-read by the next requests. Default 2.
   */
  refreshesPerRead?: number;
  /** Clock, ms (the writer's `read_at` must come from the same one). */
  now?: () => number;
}

export interface ProjectionStoreOptions {
  /** Unset: the `fresh*` reads never re-read WeChat (they are the plain reads). */
  freshness?: Freshness;
  logger?: Logger;
}

const DEFAULT_REFRESHES_PER_READ = 2;
/** Above this many remembered failed re-reads, the expired ones are forgotten. */
const FAILED_MEMORY = 1000;

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
  /** Re-reads in flight in this process, per order: concurrent requests share one (single flight). */
  private readonly inflight = new Map<string, Promise<OrderProjection | null>>();
  /** Orders whose re-read failed or found nothing, and when: not tried again before the age passes. */
  private readonly failedAt = new Map<string, number>();

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly writer: ProjectionWriter,
    private readonly options: ProjectionStoreOptions = {},
  ) {}

  /** The age (ms) past which list reads re-read a projection; Infinity when they never do. */
  get maxAgeMs(): number {
    return this.options.freshness?.maxAgeMs ?? Infinity;
  }

  /** The clock (ms) the projections' `read_at` and ages are measured by. */
  readonly clock = (): number => (this.options.freshness?.now ?? Date.now)();

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

  /**
   * `cardsOf`, with the stale orders among them re-read from WeChat first (bounded, see `Freshness`).
   * A warm list whose projections are fresh costs no WeChat call.
   */
  async freshCardsOf(openid: string): Promise<CardProjection[]> {
    const cards = await this.cardsOf(openid);
    const records = cards.map((c) => ({ order_id: c.order_id, read_at: c.read_at, settled: c.status === 'REMOVED' }));
    return (await this.refreshStale(records)) ? this.cardsOf(openid) : cards;
  }

  /** `ordersOf`, with the stale orders of the page re-read from WeChat first (bounded). */
  async freshOrdersOf(openid: string, page: Page = {}): Promise<{ total: number; orders: OrderView[] }> {
    const result = await this.ordersOf(openid, page);
    const records = result.orders.map((o) => ({ order_id: o.order_id, read_at: o.read_at, settled: o.state === 'refunded' }));
    return (await this.refreshStale(records)) ? this.ordersOf(openid, page) : result;
  }

  /**
   * `orderFor`, re-read from WeChat first when stale. An order the projector does not have is not
   * looked up (null): a guessed id costs no WeChat call.
   */
  async freshOrderFor(openid: string, orderId: string): Promise<OrderView | null> {
    const order = await this.order(orderId);
    if (!order || !orderViewFor(order, openid)) return null;
    if (!(await this.refreshStale([settledOrNot(order)]))) return orderViewFor(order, openid);
    return this.orderFor(openid, orderId);
  }

  /** The order as last projected, re-read from WeChat first when missing or stale (landing pages). */
  async freshOrder(orderId: string): Promise<OrderProjection | null> {
    const order = await this.order(orderId);
    if (!order) return this.refreshOrder(orderId);
    return (await this.refreshStale([settledOrNot(order)])) ? this.order(orderId) : order;
  }

  /**
   * After a change made through the BFF (merchant API: balance update, consume, refund): re-reads
   * what it touched, so the next list shows it. A failed re-read is logged, not thrown: the change
   * happened in WeChat, and the age-bounded re-read catches up.
   */
  async afterMerchantCall(endpoint: string, input: unknown): Promise<void> {
    const target = merchantChangeTarget(endpoint, input);
    try {
      if (target.kind === 'code') await this.refreshCode(target.code, target.cardId);
      else if (target.kind === 'order') await this.refreshOrder(target.orderId);
    } catch (e) {
      this.options.logger?.warn('projection not refreshed after a merchant change', { endpoint, error: (e as Error).message });
    }
  }

  /**
   * Re-reads at most `refreshesPerRead` of the records' orders that are stale (oldest first), each
   * through one in-flight re-read per order. True when any was re-read (the caller reads again).
   */
  private async refreshStale(records: readonly FreshnessRecord[]): Promise<boolean> {
    const f = this.options.freshness;
    if (!f || records.length === 0) return false;
    const now = (f.now ?? Date.now)();
    const candidates = staleOrderIds(records, now, f.maxAgeMs, records.length).filter((id) => {
      const failed = this.failedAt.get(id);
      return failed === undefined || now - failed > f.maxAgeMs;
    });
    const chosen = candidates.slice(0, f.refreshesPerRead ?? DEFAULT_REFRESHES_PER_READ);
    if (chosen.length === 0) return false;
    const results = await Promise.all(chosen.map((id) => this.refreshOnce(id, now)));
    return results.some(Boolean);
  }

  private refreshOnce(orderId: string, now: number): Promise<OrderProjection | null> {
    let running = this.inflight.get(orderId);
    if (!running) {
      running = this.writer
        .refreshOrder(orderId)
        .then(
          (p) => {
            if (p) this.failedAt.delete(orderId);
            else this.noteFailure(orderId, now);
            return p;
          },
          (e: Error) => {
            this.noteFailure(orderId, now);
            this.options.logger?.warn('stale projection not re-read; served as it is', { orderId, error: e.message });
            return null;
          },
        )
        .finally(() => this.inflight.delete(orderId));
      this.inflight.set(orderId, running);
    }
    return running;
  }

  private noteFailure(orderId: string, now: number): void {
    if (this.failedAt.size >= FAILED_MEMORY) {
      const maxAge = this.options.freshness?.maxAgeMs ?? 0;
      for (const [id, at] of this.failedAt) if (now - at > maxAge) this.failedAt.delete(id);
    }
    this.failedAt.set(orderId, now);
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

/** An order record for the age check: refunded orders are final. */
function settledOrNot(order: OrderProjection): FreshnessRecord {
  return { order_id: order.order_id, read_at: order.read_at, settled: orderState(order.cards) === 'refunded' };
}

function parse<T>(json: string | null): T | null {
  return json === null ? null : (JSON.parse(json) as T);
}
