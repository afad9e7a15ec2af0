import { ORDER_WINDOW_SECONDS, type GiftCardOrder } from '@giftcard/shared';
import type { ExportStreamLine } from '../../src/admin/routes';
import { collectOrders, exportOrders, planOrderExport, type BatchGetOrders } from '../../src/services/order-export';
import { startAdmin, type TestAdmin } from './support';

const DAY = 24 * 60 * 60;

/** A fake §9.2 over a list of orders, recording each request. */
function fakeBatchGet(orders: () => GiftCardOrder[]) {
  const requests: Parameters<BatchGetOrders>[0][] = [];
  const batchGet: BatchGetOrders = async (req) => {
    requests.push(req);
    if (req.count > 100 || req.end_time - req.begin_time > ORDER_WINDOW_SECONDS) throw new Error('WeChat would refuse this');
    const inWindow = orders().filter((o) => o.create_time >= req.begin_time && o.create_time <= req.end_time);
    inWindow.sort((a, b) => (req.sort_type === 'DESC' ? b.create_time - a.create_time : a.create_time - b.create_time));
    return { total_count: inWindow.length, order_list: inWindow.slice(req.offset, req.offset + req.count) };
  };
  return { batchGet, requests };
}

const order = (id: string, create_time: number): GiftCardOrder => ({
  order_id: id,
  page_id: 'p',
  trans_id: 't',
  create_time,
  pay_finish_time: create_time,
  total_price: 100,
  open_id: 'o',
  card_list: [],
});

describe('exportOrders (windows of ≤ 31 days, pages of ≤ 100)', () => {
  it('plans windows that cover the range once each, newest first for DESC', () => {
    const asc = planOrderExport(0, 90 * DAY);
    expect(asc).toHaveLength(3);
    expect(planOrderExport(0, 90 * DAY, 'DESC')).toEqual([...asc].reverse());
    expect(planOrderExport(5, 4)).toEqual([]);
  });

  it('reads an empty window with one call, and reports progress to 1', async () => {
    const { batchGet, requests } = fakeBatchGet(() => []);
    const pages = exportOrders(batchGet, { begin_time: 0, end_time: 40 * DAY });
    const fractions: number[] = [];
    for (let next = await pages.next(); !next.done; next = await pages.next()) fractions.push(next.value.progress.fraction);
    expect(requests).toHaveLength(2);
    expect(fractions).toEqual([0.5, 1]);
  });

  it('yields an order once even when new orders shift the pages under it (DESC)', async () => {
    const orders = Array.from({ length: 250 }, (_, i) => order(`o${i}`, 1000 + i));
    let calls = 0;
    const { batchGet } = fakeBatchGet(() => {
      // After each page, a newer order is paid: with DESC it lands on page 1 and pushes every offset by one.
      if (calls++ > 0) orders.push(order(`new${calls}`, 1000 + orders.length));
      return orders;
    });
    const result = await collectOrders(exportOrders(batchGet, { begin_time: 1000, end_time: 1000 + 10_000, sort_type: 'DESC' }));
    const ids = result.orders.map((o) => o.order_id);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 0; i < 250; i++) expect(ids).toContain(`o${i}`);
  });

  it('stops at an empty page even if total_count promised more', async () => {
    const batchGet: BatchGetOrders = async (req) => ({ total_count: 500, order_list: req.offset === 0 ? [order('a', 1)] : [] });
    const result = await collectOrders(exportOrders(batchGet, { begin_time: 0, end_time: 10 }));
    expect(result.orders.map((o) => o.order_id)).toEqual(['a']);
    expect(result.pages).toBe(2);
  });
});

/**
 * POST /admin/orders/export over 90 days, against the sandbox: three windows (31 + 31 + 28 days),
 * each with more than 100 orders (so several pages each), orders on the windows' first and last
 * seconds and outside the range too.
 */
describe('POST /admin/orders/export across 90 days', () => {
  let admin: TestAdmin;
  let begin: number;
  let end: number;
  let inside: GiftCardOrder[];

  beforeAll(async () => {
    admin = await startAdmin();
    const shop = admin.shop(5000);
    end = admin.world.clock.now() - 60;
    begin = end - 90 * DAY;
    const windows = planOrderExport(begin, end);
    expect(windows).toHaveLength(3);
    inside = [];
    const counts = [137, 101, 215];
    windows.forEach((w, i) => {
      const span = w.end_time - w.begin_time;
      for (let n = 0; n < counts[i]!; n++) {
        // The first and last second of each window, then spread over it, several orders per second at times.
        const at = n === 0 ? w.begin_time : n === 1 ? w.end_time : w.begin_time + Math.floor(((n * 7919) % 1000) / 1000 * span);
        inside.push(admin.buy(shop, `o_${i}_${n}`, at));
      }
    });
    // Outside the range: not exported.
    admin.buy(shop, 'o_before', begin - 1);
    admin.buy(shop, 'o_after', end + 1);
  });
  afterAll(async () => {
    await admin.close();
  });
  beforeEach(() => admin.world.calls.reset());

  it('returns every order exactly once, as JSON {orders, windows, pages}', async () => {
    const r = await admin.post('/orders/export', { begin_time: begin, end_time: end });
    expect(r.status).toBe(200);
    const ids: string[] = r.body.orders.map((o: GiftCardOrder) => o.order_id);
    expect(ids).toHaveLength(inside.length);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(inside.map((o) => o.order_id)));
    // Ascending by creation time, as WeChat sorted each window.
    const times = r.body.orders.map((o: GiftCardOrder) => o.create_time);
    expect(times).toEqual([...times].sort((a, b) => a - b));

    expect(r.body.windows.map((w: { total_count: number }) => w.total_count)).toEqual([137, 101, 215]);
    for (const w of r.body.windows) expect(w.end_time - w.begin_time).toBeLessThanOrEqual(ORDER_WINDOW_SECONDS);
    expect(r.body.windows[0].begin_time).toBe(begin);
    expect(r.body.windows[2].end_time).toBe(end);
    expect(r.body.pages).toBe(2 + 2 + 3);
    expect(admin.world.calls.get('order.batchGetOrders')).toBe(7);
  });

  it('streams NDJSON with progress when asked: plan, progress per page, each order once, done', async () => {
    const r = await admin.post('/orders/export', { begin_time: begin, end_time: end, sort_type: 'DESC' }, { headers: { accept: 'application/x-ndjson' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (r.body as string).trim().split('\n').map((l) => JSON.parse(l) as ExportStreamLine);
    expect(lines[0]).toEqual({ type: 'plan', windows: planOrderExport(begin, end, 'DESC') });
    expect(lines.at(-1)).toMatchObject({ type: 'done', pages: 7, orders: inside.length });
    const progress = lines.filter((l) => l.type === 'progress') as Extract<ExportStreamLine, { type: 'progress' }>[];
    expect(progress).toHaveLength(7);
    const fractions = progress.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
    const ids = lines.flatMap((l) => (l.type === 'order' ? [l.order.order_id] : []));
    expect(ids).toHaveLength(inside.length);
    expect(new Set(ids)).toEqual(new Set(inside.map((o) => o.order_id)));
  });

  it('a range of one second, and a range with no orders', async () => {
    const edge = await admin.post('/orders/export', { begin_time: begin, end_time: begin });
    expect(edge.body.orders.map((o: GiftCardOrder) => o.open_id)).toEqual(['o_0_0']);
    const none = await admin.post('/orders/export', { begin_time: 1_000_000, end_time: 1_000_000 + 100 * DAY });
    expect(none.body).toMatchObject({ orders: [], pages: 4 });
  });

  it('a WeChat failure on the first page keeps its status; a later one ends the stream with an error line', async () => {
    admin.world.faults.arm({ endpoint: 'order.batchGetOrders', errcode: 45009, times: 1 });
    const first = await admin.post('/orders/export', { begin_time: begin, end_time: end }, { headers: { accept: 'application/x-ndjson' } });
    expect(first.status).toBe(503);
    expect(first.body.error.wechat.errcode).toBe(45009);

    // Fail the third call: the stream has started.
    let n = 0;
    const take = admin.world.faults.take.bind(admin.world.faults);
    admin.world.faults.take = (endpoint: string) => (endpoint === 'order.batchGetOrders' && ++n === 3 ? { endpoint, errcode: 45009, times: 1 } : take(endpoint));
    try {
      const later = await admin.post('/orders/export', { begin_time: begin, end_time: end }, { headers: { accept: 'application/x-ndjson' } });
      expect(later.status).toBe(200);
      const last = JSON.parse((later.body as string).trim().split('\n').at(-1)!);
      expect(last).toMatchObject({ type: 'error', error: { code: 'wechat_busy', wechat: { errcode: 45009 } } });
    } finally {
      admin.world.faults.take = take;
      admin.world.faults.reset();
    }
  });
});
