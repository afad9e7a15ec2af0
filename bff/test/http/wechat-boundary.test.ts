import { startBff } from '../support/app';
import { admin, boughtCard, terminal, type Bff, type Terminal } from '../till/support';

/**
 * One error boundary for WeChat's failures (issue 16): the Mini Program API, the merchant API, the
 * till and the landing pages answer the same failure with the same status and code, through the
 * real HTTP stack, the sandbox's faults standing in for WeChat's (CONTRACT.md "Redemption").
 */
describe('WeChat failures answered alike in /api, /admin, /pos and the landing pages', () => {
  let bff: Bff;
  let till: Terminal;
  let card: Awaited<ReturnType<typeof boughtCard>>;
  // No projector: nothing else calls WeChat in the background and takes a fault meant for a route.
  beforeAll(async () => {
    bff = await startBff();
    till = await terminal(bff);
    card = await boughtCard(bff, { openid: 'o_boundary' });
  });
  afterAll(() => bff.close());
  afterEach(() => bff.world.faults.reset());

  const fault = (endpoint: string, spec: Record<string, unknown>, times = 1) => bff.control('faults', { endpoint, times, ...spec });
  const json = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${bff.origin}${path}`, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
    return { status: res.status, body: (await res.json()) as { error: { code: string } & Record<string, unknown> }, headers: res.headers };
  };
  const page = async (path: string) => {
    const res = await fetch(`${bff.origin}${path}`);
    return { status: res.status, text: await res.text() };
  };
  /** A wx.login code, and the /api/session call that spends it on jscode2session. */
  const session = async () => {
    const { code } = await bff.control<{ code: string }>('users/login', { openid: 'mini_boundary' });
    return json('/api/session', { method: 'POST', body: JSON.stringify({ code }) });
  };
  const landingOrder = () => page(`/landing/order?order_id=${encodeURIComponent(card.order.order_id)}&openid=o_boundary`);
  const shelf = async () => {
    // The shelf from WeChat, not from the BFF's cache.
    await bff.db.redis.del(bff.db.keys.shelfCache(card.order.page_id));
    const token = (await session()).body as unknown as { token: string };
    return json(`/api/shelves/${encodeURIComponent(card.order.page_id)}`, { headers: { authorization: `Bearer ${token.token}` } });
  };

  it('a WeChat timeout is 504 wechat_timeout everywhere (the landing page: 请求超时, 504)', async () => {
    await fault('auth.jscode2session', { delayMs: 6000 });
    await fault('order.getOrder', { delayMs: 6000 }, 2);
    await fault('code.getCode', { delayMs: 6000 });
    const [api, merchant, pos, landing] = await Promise.all([session(), admin(bff, 'GET', `/orders/${card.order.order_id}`), till.pos('GET', `/cards/${card.code}`), landingOrder()]);
    expect([api.status, api.body.error.code]).toEqual([504, 'wechat_timeout']);
    expect([merchant.status, merchant.body.error.code]).toEqual([504, 'wechat_timeout']);
    expect([pos.status, pos.body.error.code]).toEqual([504, 'wechat_timeout']);
    expect(landing.status).toBe(504);
    expect(landing.text).toContain('请求超时');
  }, 20_000);

  it('WeChat unreachable (the connection reset) is 502 wechat_unreachable everywhere, one name', async () => {
    const apiShelf = fault('giftcard.getPage', { afterApply: true, drop: true }).then(shelf);
    await fault('order.getOrder', { afterApply: true, drop: true }, 2);
    await fault('code.getCode', { afterApply: true, drop: true });
    const [api, merchant, pos, landing] = await Promise.all([apiShelf, admin(bff, 'GET', `/orders/${card.order.order_id}`), till.pos('GET', `/cards/${card.code}`), landingOrder()]);
    expect([api.status, api.body.error.code]).toEqual([502, 'wechat_unreachable']);
    expect([merchant.status, merchant.body.error.code]).toEqual([502, 'wechat_unreachable']);
    expect([pos.status, pos.body.error.code]).toEqual([502, 'wechat_unreachable']);
    expect(landing.status).toBe(502);
    expect(landing.text).toContain('服务暂时不可用');
    await fault('auth.jscode2session', { afterApply: true, drop: true });
    const login = await session();
    expect([login.status, login.body.error.code]).toEqual([502, 'wechat_unreachable']);
  });

  it('WeChat busy (after the core retries) is 503 wechat_busy with Retry-After, the till included', async () => {
    await fault('code.getCode', { errcode: -1 }, 8);
    const [pos, merchant] = await Promise.all([till.pos('GET', `/cards/${card.code}`), admin(bff, 'GET', `/codes/${card.code}`)]);
    for (const r of [pos, merchant]) {
      expect([r.status, r.body.error.code]).toEqual([503, 'wechat_busy']);
      expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    }
  });

  it("not found is what the endpoint's table says: an unknown order is 404, a refused refund stays 422", async () => {
    const unknown = await admin(bff, 'GET', '/orders/Z00000000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'not_found', wechat: { errcode: 40097, endpoint: '/card/giftcard/order/get' } });
    // The same errcode from a change is WeChat refusing the state (refunded already), not "no such order".
    expect((await admin(bff, 'POST', `/orders/${card.order.order_id}/refund`)).status).toBe(200);
    const again = await admin(bff, 'POST', `/orders/${card.order.order_id}/refund`);
    expect(again.status).toBe(422);
    expect(again.body.error).toMatchObject({ code: 'wechat_rejected', wechat: { errcode: 40097 } });
    // The refunded code is 40056 to code/get: not found to the merchant and, never seen by a till, to the till.
    expect((await admin(bff, 'GET', `/codes/${card.code}`)).body.error.code).toBe('not_found');
    expect((await till.pos('GET', '/cards/000000000000')).body.error.code).toBe('not_found');
  });
});
