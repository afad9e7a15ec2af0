import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { GiftCardOrder } from '@giftcard/shared';
import Redis from 'ioredis';
import jsQR from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { CHINESE_PHONE, launchChromium, startDemoStack, type DemoStack } from '../support/demo-stack';
import { settled as settledOn } from '../support/settled';

/**
 * The Mini Program's H5 build in a real Chromium, on the stack `pnpm start` runs (scripts/start.js
 * --no-build: BFF + sandbox + /app/ + demo data; `pnpm build` first). A sandbox purchase shows in
 * "My orders" once the card-button jump links the Mini Program user to the buyer; a merchant's
 * balance update shows when the card page is shown again; the invoice form submits; every page
 * is kept as a screenshot under test/artifacts/miniprogram-*.png.
 */
jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../..');
const ARTIFACTS = path.join(root, 'test', 'artifacts');
const BUYER = 'o_e2e_buyer';
const MINI_USER = 'o_e2e_mini';

describe('Mini Program H5 in Chromium', () => {
  let stack: DemoStack;
  let origin: string;
  let prefix: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  let order: GiftCardOrder;
  let cardJump: string;
  const control = <T>(action: string, body: unknown) => stack.control<T>(action, body);
  const admin = <T>(method: string, p: string, body?: unknown) => stack.admin<T>(method, p, body);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startDemoStack('e2e-mp');
    ({ origin, prefix } = stack);

    // A purchase of our own, on the demo shelf the Mini Program is bound to.
    const { page_id_list } = await admin<{ page_id_list: string[] }>('GET', '/shelves');
    const pageId = page_id_list[0]!;
    const { page: shelf } = await admin<{ page: { theme_list: { item_list: { card_id: string }[] }[] } }>('GET', `/shelves/${encodeURIComponent(pageId)}`);
    const cardId = shelf.theme_list[0]!.item_list.at(-1)!.card_id;
    order = await control<GiftCardOrder>('shelves/buy', { openid: BUYER, page_id: pageId, items: [{ card_id: cardId, count: 1 }] });
    const { encrypt_code } = await control<{ encrypt_code: string }>('codes/encrypt', { code: order.card_list[0]!.code });
    const q = new URLSearchParams({ encrypt_code, card_id: cardId, openid: BUYER, outer_str: 'x', demo_user: MINI_USER });
    cardJump = `/app/#/pages/card/index?${q}`;

    browser = await launchChromium();
    // One context: the app keeps its session (the demo user's) across page loads, like WeChat does.
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, ...CHINESE_PHONE });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** A fresh load of a hash route (not a same-document hash change), so the page mounts and onShow runs. */
  async function open(route: string): Promise<void> {
    await page.goto('about:blank');
    await page.goto(`${origin}${route}`, { waitUntil: 'load' });
  }

  /** The element visible and the page settled (test/support/settled.ts). */
  const settled = (selector: string, text?: string, timeout?: number) => settledOn(page, selector, { text, timeout });

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `miniprogram-${name}.png`), fullPage: true });

  it('pnpm start prints the app URL and a ready-made card jump of the demo purchase, and serves /app/', async () => {
    expect(stack.output()).toContain(`App (H5):       ${origin}/app/`);
    expect(stack.output()).toMatch(new RegExp(`^Demo card jump: ${origin.replace(/[.]/g, '\\.')}/app/#/pages/card/index\\?encrypt_code=[^&]+&card_id=[^&]+&openid=o_demo_buyer&outer_str=demo&demo_user=o_demo_mini$`, 'm'));
    const res = await fetch(`${origin}/app/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('<div id="app">');
  });

  it('shows the shelf the Mini Program is bound to', async () => {
    await open(`/app/#/pages/shelf/index?demo_user=${MINI_USER}`);
    const buy = await settled('[data-testid=buy]');
    expect(await buy.getAttribute('href')).toMatch(/^https:\/\/mp\.weixin\.qq\.com\/bizmall\/giftcard\?action=homepage&page_id=[^&#]+&outer_str=miniprogram#wechat_redirect$/);
    // The demo cards were created through the merchant API, so the shelf knows their prices.
    const prices = await page.locator('[data-testid=item-price]').allTextContents();
    expect(prices).toEqual(expect.arrayContaining(['¥50.00', '¥200.00']));
    // Its pictures were uploaded through the image upload interface (002 §6.1) by the demo seed: the sandbox
    // serves them where the upload answered, and the shelf shows them.
    await page.waitForFunction(() =>
      [...(globalThis as unknown as { document: { images: Iterable<{ src: string; complete: boolean; naturalWidth: number }> } }).document.images].some(
        (i) => i.src.includes('/sandbox/mmbiz/') && i.complete && i.naturalWidth > 0,
      ),
    );
    const images = await page.$$eval('img', (imgs) => imgs.map((i) => ({ src: i.src, loaded: i.complete && i.naturalWidth > 0 })));
    const uploaded = images.filter((i) => i.src.startsWith(`${origin}/sandbox/mmbiz/`));
    expect(uploaded.length).toBeGreaterThanOrEqual(3);
    expect(uploaded.filter((i) => !i.loaded)).toEqual([]);
    await shot('shelf');
  });

  it('(a) the card jump links the user to the buyer: the card shows its balance, My orders lists the order', async () => {
    await open(cardJump);
    const balance = await settled('[data-testid=card-balance]');
    expect(await balance.textContent()).toMatch(/200(\.00)?/);
    // 到店使用: the QR code a cashier scans, read back from the pixels as a scanner would.
    await page.locator('[data-testid=qr-code]').scrollIntoViewIfNeeded();
    expect(decodeQr(await page.screenshot())).toBe(order.card_list[0]!.code);
    expect((await page.textContent('[data-testid=barcode-digits]'))!.replace(/ /g, '')).toBe(order.card_list[0]!.code);
    await shot('card');

    // The order reaches the projection through the sandbox's push: reload until it is listed.
    let listed = false;
    for (let i = 0; i < 20 && !listed; i++) {
      await open('/app/#/pages/orders/index');
      await settled('[data-testid=order-item], [data-testid=state-empty], [data-testid=state-error]');
      // Rows are titled by their cards; the order id is only the row's data attribute.
      listed = (await page.locator(`[data-testid=order-item][data-order-id="${order.order_id}"]`).count()) > 0;
    }
    expect(listed).toBe(true);
    await settled(`[data-testid=order-item][data-order-id="${order.order_id}"]`);
    await shot('orders');

    await open(`/app/#/pages/order/index?order_id=${encodeURIComponent(order.order_id)}`);
    await settled('[data-testid=invoice-entry]');
    expect(await page.textContent('body')).toContain(order.order_id);
    await shot('order');

    // The shelf's after-sales cell opens the merchant's page as WeChat would: with the order and the buyer's
    // openid. The demo shelf's cells point at the BFF's own order landing, which checks both with order/get.
    const refund = page.locator('[data-testid=after-sales-link]', { hasText: '退款与客服' });
    expect(await refund.getAttribute('href')).toBe(`${origin}/landing/order?order_id=${encodeURIComponent(order.order_id)}&openid=${BUYER}`);
    await Promise.all([page.waitForURL(/\/landing\/order\?/), refund.click()]);
    expect(await page.textContent('#order-id')).toBe(order.order_id);
    await shot('order-after-sales');

    await open('/app/#/pages/cards/index');
    await settled('[data-testid=card-item]');
    await shot('cards');
  });

  it('(b) a merchant balance update shows when the card page is shown again', async () => {
    const card = order.card_list[0]!;
    await admin('POST', `/codes/${encodeURIComponent(card.code)}/balance`, { card_id: card.card_id, balance: 12345, record_balance: '门店消费' });
    await open(cardJump);
    const balance = await settled('[data-testid=card-balance]', '123.45');
    expect(await balance.textContent()).toContain('123.45');
    await shot('card-updated');
  });

  it('(c) the invoice form submits and its status shows', async () => {
    await open(`/app/#/pages/invoice/index?order_id=${encodeURIComponent(order.order_id)}`);
    await settled('[data-testid=invoice-submit]');
    await fillInvoiceForm(page);
    await shot('invoice');
    const before = (await page.locator('[data-testid=invoice-status]').first().textContent().catch(() => null)) ?? '';
    await page.locator('[data-testid=invoice-submit]').first().click();
    // The request is stored for the merchant, and the page says so.
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0');
    try {
      let stored: string | null = null;
      for (let i = 0; i < 100 && stored === null; i++) {
        stored = await redis.get(`${prefix}invoice:request:${order.order_id}`);
        if (stored === null) await new Promise((r) => setTimeout(r, 100));
      }
      expect(stored).not.toBeNull();
      expect(JSON.parse(stored!)).toMatchObject({ order_id: order.order_id, openid: BUYER, email: 'finance@example.com' });
    } finally {
      redis.disconnect();
    }
    const status = await settled('[data-testid=invoice-status]');
    await page.waitForFunction((prev) => {
      const el = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('[data-testid=invoice-status]');
      return !!el && (el.textContent ?? '').trim() !== '' && (el.textContent ?? '').trim() !== prev.trim();
    }, before);
    expect((await status.textContent())!.trim()).not.toBe('');
    await shot('invoice-submitted');
  });

  it('(d) a till debit shows on the card page with its history line, in 我的礼品卡 and on the order page; a refund shows as refunded', async () => {
    const card = order.card_list[0]!;
    const { key } = await admin<{ key: string }>('POST', '/terminals', { name: '一号收银台' });
    const pos = await fetch(`${origin}/pos/redemptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: card.code, amount: 2345, idempotency_key: 'e2e-till-1', note: '小票 0815' }),
    });
    expect(pos.status).toBe(201);
    const { redemption } = (await pos.json()) as { redemption: { balance_before: number; balance_after: number } };
    expect(redemption).toMatchObject({ balance_before: 12345, balance_after: 10000 });

    await open(cardJump);
    expect(await (await settled('[data-testid=card-balance]', '100.00')).textContent()).toContain('¥100.00');
    const line = await settled('[data-testid=history-entry]', '23.45');
    expect(await line.textContent()).toMatch(/消费.*-¥23\.45/);
    expect(await line.textContent()).toContain('小票 0815');
    await shot('card-after-till');

    await open('/app/#/pages/cards/index');
    const listed = await settled('[data-testid=card-item]', '100.00');
    expect(await listed.textContent()).toContain('¥100.00');
    await shot('cards-after-till');
    // A card in 我的礼品卡 opens its own page, with the code a cashier scans.
    await listed.click();
    expect(await (await settled('[data-testid=card-balance]', '100.00')).textContent()).toContain('¥100.00');
    await page.locator('[data-testid=qr-code]').scrollIntoViewIfNeeded();
    expect(decodeQr(await page.screenshot())).toBe(card.code);

    await open(`/app/#/pages/order/index?order_id=${encodeURIComponent(order.order_id)}`);
    expect(await (await settled('[data-testid=order-card-balance]', '100.00')).textContent()).toContain('¥100.00');
    await shot('order-after-till');

    // A second order of the same buyer, refunded by the merchant (untouched, so the policy allows it).
    const { page_id_list } = await admin<{ page_id_list: string[] }>('GET', '/shelves');
    const refunded = await control<GiftCardOrder>('shelves/buy', { openid: BUYER, page_id: page_id_list[0]!, items: [{ card_id: card.card_id, count: 1 }] });
    await admin('POST', `/orders/${encodeURIComponent(refunded.order_id)}/refund`, {});
    await open(`/app/#/pages/order/index?order_id=${encodeURIComponent(refunded.order_id)}`);
    expect(await (await settled('[data-testid=order-state]', '已退款')).textContent()).toContain('已退款');
    expect(await page.textContent('body')).not.toContain('已支付');
    await shot('order-refunded');
    await open('/app/#/pages/orders/index');
    const item = await settled('[data-testid=order-item]', '已退款');
    expect(await item.textContent()).toContain('已退款');
    await shot('orders-with-refund');
  });

  it('logged no script errors (CSP violations included)', () => {
    expect(consoleErrors.filter((e) => /Content Security Policy|pageerror/i.test(e))).toEqual([]);
  });
});

/** The text of the QR code in a PNG screenshot, or null when none is found. */
function decodeQr(png: Buffer): string | null {
  const { data, width, height } = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width, height)?.data ?? null;
}

/**
 * Fills the invoice form as a company invoice: by the page's test ids (`invoice-type-company`,
 * `invoice-title`, `invoice-tax-no`, `invoice-email`; Taro's Input wraps a native input), else by
 * what each input's placeholder asks for.
 */
async function fillInvoiceForm(page: Page): Promise<void> {
  const company = page.locator('[data-testid=invoice-type-company]').or(page.getByText(/^(企业|单位)$/)).first();
  if (await company.count()) await company.click();
  const values: [testId: string, hint: RegExp, value: string][] = [
    ['invoice-title', /title|抬头|名称/i, '腾讯科技（深圳）有限公司'],
    ['invoice-tax-no', /tax|税|位大写/i, '91440300708461136T'],
    ['invoice-email', /mail|邮|@/i, 'finance@example.com'],
  ];
  for (const [testId, hint, value] of values) {
    const byId = page.locator(`[data-testid=${testId}] input, input[data-testid=${testId}]`).first();
    if (await byId.count()) {
      await byId.fill(value);
      continue;
    }
    const inputs = page.locator('input:visible');
    for (let i = 0; i < (await inputs.count()); i++) {
      const placeholder = `${(await inputs.nth(i).getAttribute('placeholder')) ?? ''} ${(await inputs.nth(i).getAttribute('name')) ?? ''}`;
      if (hint.test(placeholder)) {
        await inputs.nth(i).fill(value);
        break;
      }
    }
  }
}
