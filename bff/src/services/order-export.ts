import {
  MAX_ORDER_BATCH,
  ORDER_WINDOW_SECONDS,
  orderSortType,
  splitOrderWindows,
  unixSeconds,
  type GiftCardOrder,
  type OrderWindow,
  type RequestOf,
  type ResponseOf,
  type orderEndpoints,
} from '@giftcard/shared';
import { z } from 'zod';

/** `client.order.batchGetOrders`: one page of one window (002 §9.2). */
export type BatchGetOrders = (
  request: RequestOf<typeof orderEndpoints.batchGetOrders>,
) => Promise<Pick<ResponseOf<typeof orderEndpoints.batchGetOrders>, 'total_count' | 'order_list'>>;

/** More windows than this (about 100 years) is a typo, not an export. */
export const MAX_EXPORT_WINDOWS = 1200;

export const orderExportRequest = z
  .object({
    begin_time: unixSeconds,
    end_time: unixSeconds,
    sort_type: orderSortType.default('ASC'),
  })
  .refine((r) => r.end_time >= r.begin_time, { message: 'end_time is before begin_time', path: ['end_time'] })
  .refine((r) => Math.ceil((r.end_time - r.begin_time + 1) / ORDER_WINDOW_SECONDS) <= MAX_EXPORT_WINDOWS, {
    message: `the range needs more than ${MAX_EXPORT_WINDOWS} windows of 31 days`,
    path: ['begin_time'],
  });
export type OrderExportRequest = z.input<typeof orderExportRequest>;

/**
 * The windows an export walks, in the order it walks them: `splitOrderWindows` (each < 31 days,
 * every second in exactly one), newest first for DESC so the whole export is in one order.
 */
export function planOrderExport(begin: number, end: number, sort: 'ASC' | 'DESC' = 'ASC'): OrderWindow[] {
  if (end < begin) return [];
  const windows = splitOrderWindows(begin, end);
  return sort === 'DESC' ? windows.reverse() : windows;
}

export interface OrderExportProgress {
  /** 0-based index of the window being read, of `windows`. */
  window: number;
  windows: number;
  /** Orders of the current window read so far, of its `total_count`. */
  windowFetched: number;
  windowTotal: number;
  /** Calls made so far. */
  pages: number;
  /** Distinct orders so far. */
  orders: number;
  /** 0..1 of the whole export. */
  fraction: number;
}

/** One page: its orders not seen before (de-duplicated by order_id), and where the export stands. */
export interface OrderExportPage {
  window: OrderWindow;
  offset: number;
  total_count: number;
  orders: GiftCardOrder[];
  progress: OrderExportProgress;
}

export interface OrderExportSummary {
  windows: (OrderWindow & { total_count: number })[];
  pages: number;
  orders: number;
}

/**
 * Every order created in [begin_time, end_time], one page at a time: each window is paged by
 * offset until offset reaches total_count (§9.2 note 1), re-read on every page so orders paid
 * meanwhile are not cut off. An order met twice (offsets shifting under new orders) is yielded once.
 * An async generator, so the caller decides what to do with progress (a bar, NDJSON, nothing).
 */
export async function* exportOrders(
  batchGet: BatchGetOrders,
  request: OrderExportRequest,
  pageSize = MAX_ORDER_BATCH,
): AsyncGenerator<OrderExportPage, OrderExportSummary> {
  const range = orderExportRequest.parse(request);
  const windows = planOrderExport(range.begin_time, range.end_time, range.sort_type);
  const seen = new Set<string>();
  const summary: OrderExportSummary = { windows: [], pages: 0, orders: 0 };
  for (const [index, window] of windows.entries()) {
    let offset = 0;
    let total = 0;
    do {
      const page = await batchGet({ ...window, sort_type: range.sort_type, offset, count: pageSize });
      summary.pages++;
      total = page.total_count;
      const fresh = page.order_list.filter((o) => !seen.has(o.order_id));
      for (const o of fresh) seen.add(o.order_id);
      summary.orders = seen.size;
      const pageOffset = offset;
      offset += page.order_list.length;
      const windowFetched = Math.min(offset, total);
      yield {
        window,
        offset: pageOffset,
        total_count: total,
        orders: fresh,
        progress: {
          window: index,
          windows: windows.length,
          windowFetched,
          windowTotal: total,
          pages: summary.pages,
          orders: seen.size,
          fraction: (index + (total === 0 ? 1 : windowFetched / total)) / windows.length,
        },
      };
      // An empty page before total_count is WeChat's answer that nothing more is there.
      if (page.order_list.length === 0) break;
    } while (offset < total);
    summary.windows.push({ ...window, total_count: total });
  }
  return summary;
}

/** The whole export in memory: `{orders, windows, pages}`. */
export async function collectOrders(pages: AsyncGenerator<OrderExportPage, OrderExportSummary>) {
  const orders: GiftCardOrder[] = [];
  for (;;) {
    const next = await pages.next();
    if (next.done) return { orders, windows: next.value.windows, pages: next.value.pages };
    orders.push(...next.value.orders);
  }
}
