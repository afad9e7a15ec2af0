import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { GiftCardOrder } from '@giftcard/shared';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHINESE_PHONE, launchChromium, startDemoStack, type DemoStack } from '../support/demo-stack';
import { settled as settledOn } from '../support/settled';

/**
 * Every consumer page and state of the Mini Program's H5 build, as a WeChat user meets them at
 * 375×812, on the stack `pnpm start` runs (scripts/start.js --no-build; `pnpm build` first):
 * loading, empty, WeChat busy, timeout, not found, given away, used up, refunded, receiver, off-sale
 * shelf, the order timeline, the invoice before and after, an unknown route. WeChat's failures come
 * from the sandbox's faults. Each state: no Latin error text, no openid, no JSON, no NaN/undefined/null;
 * its labels and key actions visible; a screenshot under test/artifacts/miniprogram-state-*.png.
 *
 * And the budget of the first page, cold: compressed bytes transferred and the time to content on
 * loopback (asserted), and under a 4G-like link with a 4× slower CPU (printed).
 */
jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../..');
const ARTIFACTS = path.join(root, 'test', 'artifacts');
const BUYER = 'o_states_buyer';
const FRIEND = 'o_states_friend';
const MINI_BUYER = 'o_states_mini';
const MINI_FRIEND = 'o_states_mini_friend';
const MINI_NEW = 'o_states_mini_new';
const VIEWPORT = { width: 375, height: 812 };

/** Budget of the first page (the shelf), cold. */
const BUDGET_BYTES = 150 * 1024;
const BUDGET_MS = 1000;
const THROTTLED_TARGET_MS = 2000;

describe('Mini Program H5: every consumer state', () => {
  let stack: DemoStack;
  let origin: string;
  let browser: Browser;
  /** One context per WeChat user (a user's session stays in their own storage, as on their own phone). */
  const contexts = new Map<string, { context: BrowserContext; page: Page }>();
  let page: Page;
  const pageErrors: string[] = [];
  let pageId: string;
  let cardIds: string[];
  const control = <T>(action: string, body: unknown) => stack.control<T>(action, body);
  const admin = <T>(method: string, p: string, body?: unknown) => stack.admin<T>(method, p, body);
  /** A purchase on the demo shelf, and the card-button jump of its first card for a Mini Program user. */
  async function purchase(buyer: string, cardId: string): Promise<{ order: GiftCardOrder; code: string; jump: (miniUser: string, openid?: string) => Promise<string> }> {
    const order = await control<GiftCardOrder>('shelves/buy', { openid: buyer, page_id: pageId, items: [{ card_id: cardId, count: 1 }] });
    const code = order.card_list[0]!.code;
    const jump = async (miniUser: string, openid = buyer) => {
      const { encrypt_code } = await control<{ encrypt_code: string }>('codes/encrypt', { code });
      return `/app/#/pages/card/index?${new URLSearchParams({ encrypt_code, card_id: cardId, openid, outer_str: 'x', demo_user: miniUser })}`;
    };
    return { order, code, jump };
  }
  /** The shelf is read from WeChat again on the next request (the merchant's update drops the BFF's cache). */
  async function dropShelfCache(): Promise<void> {
    await admin('PUT', `/shelves/${encodeURIComponent(pageId)}`, { page_title: '微信咖啡厅礼品卡' });
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startDemoStack('e2e-states');
    origin = stack.origin;
    pageId = (await admin<{ page_id_list: string[] }>('GET', '/shelves')).page_id_list[0]!;
    const { page: shelf } = await admin<{ page: { theme_list: { item_list: { card_id: string }[] }[] } }>('GET', `/shelves/${encodeURIComponent(pageId)}`);
    cardIds = shelf.theme_list[0]!.item_list.map((i) => i.card_id);
    browser = await launchChromium();
  });

  async function pageOf(user: string): Promise<Page> {
    let entry = contexts.get(user);
    if (!entry) {
      const context = await browser.newContext({ viewport: VIEWPORT, ...CHINESE_PHONE });
      const p = await context.newPage();
      p.on('pageerror', (e) => pageErrors.push(`${user}: ${e.message}`));
      // The shelf's buy link leaves for WeChat: the test only sees that it is asked for.
      await context.route(/^https:\/\/mp\.weixin\.qq\.com\//, (r) => r.fulfill({ status: 204, body: '' }));
      entry = { context, page: p };
      contexts.set(user, entry);
    }
    return entry.page;
  }

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** A fresh load of a hash route as `user` (the H5 demo's wx.login stand-in), so the page mounts anew. */
  async function open(route: string, user: string): Promise<void> {
    page = await pageOf(user);
    await page.goto('about:blank');
    const sep = route.includes('?') ? '&' : '?';
    await page.goto(`${origin}${route}${route.includes('demo_user=') ? '' : `${sep}demo_user=${user}`}`, { waitUntil: 'load' });
  }

  /** The element visible and the page settled (test/support/settled.ts). */
  const settled = (selector: string, opts: Parameters<typeof settledOn>[2] = {}) => settledOn(page, selector, opts);

  /**
   * What a consumer reads on the page: no Latin error text (any Latin word once the values the page
   * may rightly show, such as an order number or an email, are taken out), no openid, no JSON, no
   * NaN/undefined/null. Then the screenshot.
   */
  async function check(name: string, allowed: string[] = []): Promise<string> {
    const text = await page.evaluate(() => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText);
    expect(text).not.toMatch(/\bo_[A-Za-z0-9_-]+/);
    expect(text).not.toMatch(/[{[]\s*"|"\s*:/);
    expect(text).not.toMatch(/NaN|undefined|null/);
    let rest = text;
    for (const a of allowed) rest = rest.split(a).join('');
    expect(rest).not.toMatch(/[A-Za-z]{2,}/);
    await page.screenshot({ path: path.join(ARTIFACTS, `miniprogram-state-${name}.png`), fullPage: true });
    return text;
  }

  async function expectVisible(selector: string, text?: string): Promise<void> {
    const el = page.locator(text === undefined ? selector : `${selector}:has-text("${text}")`).first();
    expect(await el.isVisible()).toBe(true);
  }

  it('shelf loading: a skeleton while WeChat answers slowly, then the shelf', async () => {
    await dropShelfCache();
    await control('faults', { endpoint: 'giftcard.getPage', delayMs: 3000, times: 1 });
    await open('/app/#/pages/shelf/index', MINI_BUYER);
    await settled('[data-testid=state-loading]', { allowLoading: true });
    expect(await page.locator('.skeleton__banner').isVisible()).toBe(true);
    expect(await page.textContent('body')).not.toContain('加载中');
    await check('shelf-loading');
    await settled('[data-testid=buy]', { timeout: 10_000 });
  });

  it('shelf: the buy action in the first screen, items and faces tappable, each price once', async () => {
    await open('/app/#/pages/shelf/index', MINI_BUYER);
    const buy = await settled('[data-testid=buy]');
    const box = (await buy.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(VIEWPORT.height);
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(await buy.textContent()).toBe('购买礼品卡');
    const items = page.locator('[data-testid=shelf-item]');
    expect(await items.count()).toBeGreaterThan(0);
    for (const t of await items.allTextContents()) expect(t.match(/¥/g)?.length ?? 0).toBeLessThanOrEqual(1);
    const text = await check('shelf');
    expect(text).toContain('我的礼品卡');
    // Tapping an item, or a card face, opens the shelf in WeChat.
    const [req] = await Promise.all([page.waitForRequest(/^https:\/\/mp\.weixin\.qq\.com\/bizmall\/giftcard/), items.first().click()]);
    expect(req.url()).toContain(`outer_str=miniprogram`);
    await open('/app/#/pages/shelf/index', MINI_BUYER);
    await settled('[data-testid=card-face]');
    await Promise.all([page.waitForRequest(/^https:\/\/mp\.weixin\.qq\.com\/bizmall\/giftcard/), page.locator('[data-testid=card-face]').first().click()]);
  });

  it('shelf off sale (maintain/set): 暂停销售, nothing to buy, the ways to cards and orders', async () => {
    await admin('POST', '/shelves/maintain', { page_id: pageId, maintain: true });
    try {
      await open('/app/#/pages/shelf/index', MINI_BUYER);
      await settled('[data-testid=shelf-off-sale]');
      expect(await page.locator('[data-testid=buy]').count()).toBe(0);
      await expectVisible('[data-testid=cell-cards]', '查看我的礼品卡');
      await expectVisible('[data-testid=cell-orders]', '查看我的订单');
      expect(await check('shelf-off-sale')).toContain('礼品卡暂停销售');
    } finally {
      await admin('POST', '/shelves/maintain', { page_id: pageId, maintain: false });
    }
  });

  it('shelf, WeChat busy (-1 past the retries): 系统繁忙 with 重试, and the retry shows the shelf', async () => {
    await dropShelfCache();
    await control('faults', { endpoint: 'giftcard.getPage', errcode: -1, times: 4 });
    await open('/app/#/pages/shelf/index', MINI_BUYER);
    await settled('[data-testid=state-error]');
    expect(await page.getAttribute('[data-failure]', 'data-failure')).toBe('busy');
    await expectVisible('[data-testid=retry]', '重试');
    expect(await check('shelf-busy')).toContain('系统繁忙');
    await page.locator('[data-testid=retry]').click();
    await settled('[data-testid=buy]');
  });

  it('empty lists for a new user: the card-bag hint and the way to the shelf', async () => {
    await open('/app/#/pages/orders/index', MINI_NEW);
    await settled('[data-testid=state-empty]');
    await expectVisible('[data-testid=go-shelf]', '去选购礼品卡');
    expect(await check('orders-empty')).toContain('请先从微信卡包打开一次礼品卡');
    await open('/app/#/pages/cards/index', MINI_NEW);
    await settled('[data-testid=state-empty]');
    await expectVisible('[data-testid=go-shelf]', '去选购礼品卡');
    expect(await check('cards-empty')).toContain('还没有礼品卡');
  });

  it('card: WeChat timeout is 请求超时 with 重试; not found has no 重试 but the ways on', async () => {
    const { code, jump } = await purchase(BUYER, cardIds[0]!);
    await open(await jump(MINI_BUYER), MINI_BUYER);
    await settled('[data-testid=card-balance]');
    await control('faults', { endpoint: 'code.getCode', delayMs: 5500, times: 1 });
    await open(`/app/#/pages/card/index?code=${code}`, MINI_BUYER);
    await settled('[data-testid=state-error]', { timeout: 15_000 });
    expect(await page.getAttribute('[data-failure]', 'data-failure')).toBe('timeout');
    await expectVisible('[data-testid=retry]', '重试');
    expect(await check('card-timeout')).toContain('请求超时');

    await open(`/app/#/pages/card/index?${new URLSearchParams({ encrypt_code: 'bm90LWEtcmVhbC1jb2Rl', card_id: cardIds[0]! })}`, MINI_BUYER);
    await settled('[data-testid=card-gone]');
    expect(await page.locator('[data-testid=retry]').count()).toBe(0);
    await expectVisible('[data-testid=card-list]', '查看我的礼品卡');
    await expectVisible('[data-testid=go-shelf]', '去选购礼品卡');
    expect(await check('card-not-found')).toContain('没有找到这张礼品卡');
  });

  it('card given away: said so (not "not found"); the receiver sees the gift without the buyer\'s total', async () => {
    const { order, code, jump } = await purchase(BUYER, cardIds[0]!);
    await open(await jump(MINI_BUYER), MINI_BUYER);
    await settled('[data-testid=card-balance]');
    await control('codes/gift', { code, openid: BUYER, friend_openid: FRIEND });
    await control('codes/accept', { code, openid: FRIEND });
    // The friend's own card jump links the friend's Mini Program user (the projection catches up first).
    let given = false;
    for (let i = 0; i < 40 && !given; i++) {
      await open(`/app/#/pages/card/index?code=${code}`, MINI_BUYER);
      await settled('[data-testid=card-given-away], [data-testid=card-balance], [data-testid=card-gone]');
      given = (await page.locator('[data-testid=card-given-away]').count()) > 0;
    }
    expect(given).toBe(true);
    await expectVisible('[data-testid=card-list]', '查看我的礼品卡');
    await expectVisible('[data-testid=go-orders]', '查看我的订单');
    expect(await check('card-given-away')).toContain('这张礼品卡已赠送给朋友');

    await open(await jump(MINI_FRIEND, FRIEND), MINI_FRIEND);
    await settled('[data-testid=card-balance]');
    await check('card-receiver');
    let listed = false;
    for (let i = 0; i < 40 && !listed; i++) {
      await open('/app/#/pages/orders/index', MINI_FRIEND);
      await settled('[data-testid=order-item], [data-testid=state-empty]');
      listed = (await page.locator(`[data-order-id="${order.order_id}"]`).count()) > 0;
    }
    expect(listed).toBe(true);
    const row = page.locator(`[data-order-id="${order.order_id}"]`);
    expect(await row.textContent()).toContain('好友赠送');
    // The card's name may carry its value ("¥50 心意礼品卡"); the buyer's total (¥50.00) is not shown.
    expect(await row.textContent()).not.toMatch(/¥\d+\.\d{2}/);
    await check('orders-receiver');
    await open(`/app/#/pages/order/index?order_id=${encodeURIComponent(order.order_id)}`, MINI_FRIEND);
    await settled('[data-testid=order-timeline]');
    expect(await page.locator('[data-testid=order-total]').count()).toBe(0);
    expect(await page.locator('[data-testid=invoice-entry]').count()).toBe(0);
    const text = await check('order-receiver', [order.order_id]);
    expect(text).toContain('好友赠送');
    expect(text).not.toContain('已支付');
  });

  it('card used up at the till: 已用完, no till codes, the way to my cards', async () => {
    const { code, jump, order } = await purchase(BUYER, cardIds[0]!);
    await open(await jump(MINI_BUYER), MINI_BUYER);
    const balance = await settled('[data-testid=card-balance]');
    const fen = Math.round(Number((await balance.textContent())!.replace(/[^0-9.]/g, '')) * 100);
    const { key } = await admin<{ key: string }>('POST', '/terminals', { name: '一号收银台' });
    const res = await fetch(`${origin}/pos/redemptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code, amount: fen, idempotency_key: `used-up-${code}` }),
    });
    expect(res.status).toBe(201);
    await open(`/app/#/pages/card/index?code=${code}`, MINI_BUYER);
    await settled('[data-testid=card-status]', { text: '已用完' });
    expect(await page.locator('[data-testid=till-codes]').count()).toBe(0);
    await expectVisible('[data-testid=card-list]');
    await check('card-used-up');
    // The order's timeline says it was used.
    await open(`/app/#/pages/order/index?order_id=${encodeURIComponent(order.order_id)}`, MINI_BUYER);
    await settled('[data-testid=timeline-used]');
    await expectVisible('[data-testid=copy-order-id]', '复制');
    await expectVisible('[data-testid=call-merchant]', '联系商家');
    await expectVisible('[data-testid=invoice-entry]', '申请发票');
    expect(await page.textContent('[data-testid=timeline-paid]')).toMatch(/下单并付款\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    await check('order-timeline', [order.order_id]);
  });

  it('refunded: the card page, the order (timeline) and the list say 已退款', async () => {
    const { code, jump, order } = await purchase(BUYER, cardIds[0]!);
    await open(await jump(MINI_BUYER), MINI_BUYER);
    await settled('[data-testid=card-balance]');
    await admin('POST', `/orders/${encodeURIComponent(order.order_id)}/refund`, {});
    await open(`/app/#/pages/card/index?code=${code}`, MINI_BUYER);
    await settled('[data-testid=card-status]', { text: '已退款' });
    await check('card-refunded');
    await open(`/app/#/pages/order/index?order_id=${encodeURIComponent(order.order_id)}`, MINI_BUYER);
    await settled('[data-testid=timeline-refunded]');
    expect(await page.textContent('[data-testid=order-state]')).toBe('已退款');
    await check('order-refunded', [order.order_id]);
    await open('/app/#/pages/orders/index', MINI_BUYER);
    await settled('[data-testid=order-item]');
    const row = page.locator(`[data-order-id="${order.order_id}"]`);
    expect(await row.textContent()).toContain('已退款');
    expect(await row.textContent()).not.toContain(order.order_id);
    await check('orders');
    await open('/app/#/pages/cards/index', MINI_BUYER);
    await settled('[data-testid=card-item]');
    await check('cards');
  });

  it('invoice: 个人/单位, the lowercase tax number upper-cased, 提交成功, the request and its steps on return', async () => {
    const { order, jump } = await purchase(BUYER, cardIds[0]!);
    await open(await jump(MINI_BUYER), MINI_BUYER);
    await settled('[data-testid=card-balance]');
    const route = `/app/#/pages/invoice/index?order_id=${encodeURIComponent(order.order_id)}`;
    let ready = false;
    for (let i = 0; i < 40 && !ready; i++) {
      await open(route, MINI_BUYER);
      await settled('[data-testid=invoice-submit], [data-testid=state-error]');
      ready = (await page.locator('[data-testid=invoice-submit]').count()) > 0;
    }
    expect(ready).toBe(true);
    await expectVisible('[data-testid=invoice-type-personal]', '个人');
    await expectVisible('[data-testid=invoice-type-company]', '单位');
    await page.locator('[data-testid=invoice-type-company]').click();
    await page.locator('[data-testid=invoice-title] input, input[data-testid=invoice-title]').first().fill('腾讯科技（深圳）有限公司');
    await page.locator('[data-testid=invoice-tax-no] input, input[data-testid=invoice-tax-no]').first().fill('91440300708461136t');
    await page.locator('[data-testid=invoice-email] input, input[data-testid=invoice-email]').first().fill('finance@example.com');
    await check('invoice-form');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/invoice')) posts.push(r.url());
    });
    await page.locator('[data-testid=invoice-submit]').dblclick();
    await settled('[data-testid=invoice-success]');
    expect(posts).toHaveLength(1);
    expect(await page.locator('[data-testid=invoice-submit]').count()).toBe(0);
    expect(await page.textContent('[data-testid=request-tax-no]')).toBe('91440300708461136T');
    await check('invoice-submitted', ['finance@example.com', '91440300708461136T']);
    await open(route, MINI_BUYER);
    await settled('[data-testid=invoice-steps]');
    expect(await page.locator('[data-testid=invoice-success]').count()).toBe(0);
    expect(await page.textContent('[data-testid=invoice-status]')).toContain('已提交开票申请');
    await expectVisible('[data-testid=back-to-order]', '返回订单');
    await check('invoice-return', ['finance@example.com', '91440300708461136T']);
  });

  it('an unknown route is a designed page with the way back, not a blank', async () => {
    await open('/app/#/pages/no-such-page/index', MINI_BUYER);
    await settled('[data-testid=page-not-found]');
    await expectVisible('[data-testid=go-shelf]', '回到礼品卡首页');
    expect(await check('not-found')).toContain('页面不存在');
  });

  it('ran without script errors', () => {
    expect(pageErrors).toEqual([]);
  });

  describe('budget of the first page (the shelf), cold', () => {
    interface Load {
      bytes: number;
      byType: Record<string, number>;
      contentMs: number;
    }

    /** One cold load in a fresh context (empty cache, no session): bytes on the wire (compressed) and ms to the shelf's content. */
    async function coldLoad(throttled: boolean): Promise<Load> {
      const ctx = await browser.newContext({ viewport: VIEWPORT, ...CHINESE_PHONE });
      try {
        const p = await ctx.newPage();
        const cdp = await ctx.newCDPSession(p);
        await cdp.send('Network.enable');
        await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
        if (throttled) {
          // Lighthouse's mobile profile: "Slow 4G" (150 ms RTT, 1.6 Mbps down, 750 kbps up) and a 4× slower CPU.
          await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 });
          await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
        }
        const types = new Map<string, string>();
        const byType: Record<string, number> = {};
        let bytes = 0;
        cdp.on('Network.responseReceived', (e: { requestId: string; type: string }) => types.set(e.requestId, e.type));
        cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => {
          const type = types.get(e.requestId) ?? 'Other';
          byType[type] = (byType[type] ?? 0) + e.encodedDataLength;
          bytes += e.encodedDataLength;
        });
        // Content: the first shelf item on screen, timed from the navigation's start.
        await p.addInitScript(() => {
          const g = globalThis as unknown as { __contentAt?: number; document: { querySelector(s: string): unknown; documentElement: unknown }; MutationObserver: new (cb: () => void) => { observe(n: unknown, o: unknown): void; disconnect(): void }; performance: { now(): number } };
          const obs = new g.MutationObserver(() => {
            if (g.__contentAt === undefined && g.document.querySelector('[data-testid=shelf-item]')) {
              g.__contentAt = g.performance.now();
              obs.disconnect();
            }
          });
          obs.observe(g.document, { childList: true, subtree: true });
        });
        await p.goto(`${origin}/app/#/pages/shelf/index?demo_user=o_budget_${randomBytes(3).toString('hex')}`, { waitUntil: 'load' });
        await p.locator('[data-testid=shelf-item]').first().waitFor({ state: 'visible', timeout: 30_000 });
        const contentMs = await p.evaluate(() => (globalThis as unknown as { __contentAt: number }).__contentAt);
        // Images may still arrive after the content: count what the first screen brought.
        await p.waitForLoadState('networkidle').catch(() => undefined);
        return { bytes, byType, contentMs };
      } finally {
        await ctx.close();
      }
    }

    it(`transfers ≤ ${BUDGET_BYTES / 1024} KB compressed and shows content ≤ ${BUDGET_MS} ms cold on loopback; prints the 4G-like figure`, async () => {
      // The app's files are compressed by the BFF (brotli or gzip as asked).
      const res = await fetch(`${origin}/app/`, { headers: { 'accept-encoding': 'gzip, br' } });
      const html = await res.text();
      const script = /src="\.\/(js\/app\.[0-9a-f]+\.js)"/.exec(html)![1]!;
      const js = await fetch(`${origin}/app/${script}`, { headers: { 'accept-encoding': 'gzip, br' } });
      expect(js.headers.get('content-encoding')).toMatch(/^(br|gzip)$/);
      await js.arrayBuffer();

      await coldLoad(false); // the BFF's first requests warm nothing the browser keeps
      // The fastest of three cold loads: a slow page is slow every time, one scheduler stall on a busy
      // 2-core run (other suites beside this one) is not.
      const loads = [await coldLoad(false), await coldLoad(false), await coldLoad(false)];
      const loopback = loads.reduce((best, l) => (l.contentMs < best.contentMs ? l : best));
      const throttled = await coldLoad(true);
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      console.log(
        [
          `first page (shelf), cold, loopback: ${kb(loopback.bytes)} transferred (${Object.entries(loopback.byType).map(([t, n]) => `${t} ${kb(n)}`).join(', ')}), content at ${Math.round(loopback.contentMs)} ms (fastest of ${loads.map((l) => Math.round(l.contentMs)).join(', ')})`,
          `first page (shelf), cold, 4G-like (150 ms RTT, 1.6 Mbps) with 4× CPU slowdown: ${kb(throttled.bytes)}, content at ${Math.round(throttled.contentMs)} ms (target ≤ ${THROTTLED_TARGET_MS} ms${throttled.contentMs <= THROTTLED_TARGET_MS ? ', met' : ', NOT met'})`,
        ].join('\n'),
      );
      expect(loopback.bytes).toBeLessThanOrEqual(BUDGET_BYTES);
      expect(loopback.contentMs).toBeLessThanOrEqual(BUDGET_MS);
    });
  });
});
