import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GiftCardOrder } from '@giftcard/shared';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_BUYER, DEMO_PRODUCT, seedDemo, type DemoSeed } from '@giftcard/sandbox/demo-seed';
import { startBff } from '../../bff/test/support/app';

/**
 * Every landing page and state in a real Chromium at a phone's size, on the demo shop `pnpm start`
 * seeds (its own pictures, so nothing is fetched from outside): it renders in WeChat's look (WeUI
 * under the strict CSP), it reads as a consumer should (Chinese, no raw ids or openids, no JSON, no
 * NaN / undefined / null, no English error text), its verdict, labels and ways forward are visible,
 * and a screenshot of each is kept under test/artifacts/landing-*.png. Script payloads in each query
 * parameter stay plain text: no dialog, no injected element.
 */
jest.setTimeout(90_000);

const ARTIFACTS = join(__dirname, '..', 'artifacts');
const PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)'];
/** Percent-encoded as WeChat sends it (a space is %20: the jump parsers keep "+" as "+"). */
const q = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

/** What a consumer must never read on a page. */
const LATIN_ERROR = /\b(error|errors|failed|failure|not found|no such|invalid|internal|forbidden|unauthori[sz]ed|busy|timeout|fetch|exception|bad request)\b/i;
const OPENID = /\b(o_[A-Za-z0-9_-]+|o[A-Za-z0-9_-]{27})\b/;
const JSON_TEXT = /[{}[\]]|"\w+"\s*:/;
const NOT_A_VALUE = /\b(NaN|undefined|null|true|false|Infinity)\b/;

describe('landing pages in Chromium (375×812), every state', () => {
  let bff: Awaited<ReturnType<typeof startBff>>;
  let browser: Browser;
  let demo: DemoSeed;
  let order: GiftCardOrder;
  let cardId: string;
  const admin = (path: string, init: { method: string; body?: unknown }) =>
    fetch(`${bff.origin}/admin${path}`, {
      method: init.method,
      headers: { authorization: `Bearer ${bff.config.adminToken}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const buy = (openid: string, cardIndex = 1) =>
    bff.control<GiftCardOrder>('shelves/buy', { openid, page_id: demo.pageId, items: [{ card_id: demo.cardIds[cardIndex]!, count: 1 }] });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    bff = await startBff({}, { projector: true, pushRetryDelayMs: 20 });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    demo = await seedDemo({ origin: bff.origin, adminToken: bff.config.adminToken, wxaAppid: bff.config.wxaAppid });
    order = demo.order;
    cardId = order.card_list[0]!.card_id;
  });
  afterAll(async () => {
    await browser?.close();
    await bff?.close();
  });

  async function open(path: string, opts: { shot?: string; page?: Page } = {}): Promise<{ page: Page; dialogs: string[]; status: number }> {
    const page = opts.page ?? (await browser.newPage({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }));
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const res = await page.goto(`${bff.origin}${path}`, { waitUntil: 'load' });
    await page.waitForSelector('main > *');
    if (opts.shot) await page.screenshot({ path: join(ARTIFACTS, `landing-${opts.shot}.png`), fullPage: true });
    return { page, dialogs, status: res!.status() };
  }

  /** The consumer's reading of the page, and WeChat's look: WeUI, no green bar, no shadows, 17 px, 44 px targets. */
  async function expectConsumerPage(page: Page): Promise<string> {
    const text = await page.innerText('body');
    expect(text).not.toMatch(LATIN_ERROR);
    expect(text).not.toMatch(OPENID);
    expect(text).not.toMatch(JSON_TEXT);
    expect(text).not.toMatch(NOT_A_VALUE);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/); // dates read 2026年12月1日
    for (const raw of ['moments', 'ean13', DEMO_PRODUCT.keystr, 'DEMO-', cardId]) expect(text).not.toContain(raw);
    const look = await page.evaluate(() => {
      const d = (globalThis as any).document;
      const w = globalThis as any;
      const all = [...d.querySelectorAll('main *')];
      const body = w.getComputedStyle(d.querySelector('.weui-cell') ?? d.querySelector('.weui-msg__desc') ?? d.body);
      const targets = [...d.querySelectorAll('main a, main button, main label.weui-cell')].filter((e: any) => e.getBoundingClientRect().width > 0);
      return {
        weui: [...d.styleSheets].some((s: any) => String(s.href).includes('/landing/assets/weui-')),
        shadows: all.filter((e: any) => w.getComputedStyle(e).boxShadow !== 'none').length,
        bar: d.querySelectorAll('header').length,
        fontSize: body.fontSize,
        smallTargets: targets.filter((e: any) => e.getBoundingClientRect().height < 44).map((e: any) => e.textContent.trim()),
        scrollX: d.documentElement.scrollWidth > w.innerWidth,
      };
    });
    expect(look).toEqual({ weui: true, shadows: 0, bar: 0, fontSize: '17px', smallTargets: [], scrollX: false });
    return text;
  }

  const green = (page: Page, selector: string) => page.$eval(selector, (e) => (globalThis as any).getComputedStyle(e).backgroundColor);

  async function scan(openid: string, extinfo: string) {
    const { ticket } = await bff.control<{ ticket: string }>('products/scan', { ...DEMO_PRODUCT, openid, extinfo });
    return `/landing/product?${q({ wxkeystandard: DEMO_PRODUCT.keystandard, wxkeystr: DEMO_PRODUCT.keystr, wxticket: ticket, wxextinfo: extinfo })}`;
  }
  async function cardPath(code: string, openid: string, card = cardId) {
    const { encrypt_code } = await bff.control<{ encrypt_code: string }>('codes/encrypt', { code });
    return `/landing/card?${q({ encrypt_code, card_id: card, openid, outer_str: 'moments' })}`;
  }
  const orderPath = (id: string, openid: string) => `/landing/order?${q({ order_id: id, openid })}`;

  describe('product page (scan)', () => {
    it('a genuine code: 正品, the query count, the product with its pictures', async () => {
      const { page, dialogs, status } = await open(await scan('o_visitor', 'DEMO-REAL-0001'), { shot: 'product-real' });
      expect(status).toBe(200);
      const text = await expectConsumerPage(page);
      expect(await page.isVisible('#verdict-title')).toBe(true);
      expect(await page.textContent('#verdict-title')).toBe('正品');
      expect(text).toContain('该防伪码已被查询 1 次');
      expect(text).toMatch(/首次查询：\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
      expect(await page.textContent('h1')).toBe('西湖龙井 250g');
      expect(text).toContain('¥128.00');
      // The product's pictures are the sandbox's own, uploaded by the demo seed (002 §6.1), and load.
      const images = await page.$$eval('img', (imgs) => imgs.map((i: any) => ({ src: i.src, loaded: i.complete && i.naturalWidth > 0 })));
      expect(images.length).toBe(2);
      for (const img of images) expect(img).toEqual({ src: expect.stringContaining('/sandbox/mmbiz/'), loaded: true });
      // The verdict sits in the first screen.
      const box = (await page.$('#verdict'))!;
      expect((await box.boundingBox())!.y).toBeLessThan(200);
      expect(dialogs).toEqual([]);
      await page.close();
    });

    it('a code queried before: the count and a warning', async () => {
      await open(await scan('o_other', 'DEMO-REAL-0002')).then(({ page }) => page.close());
      const { page } = await open(await scan('o_visitor', 'DEMO-REAL-0002'), { shot: 'product-real-queried' });
      const text = await expectConsumerPage(page);
      expect(text).toContain('该防伪码已被查询 2 次');
      expect(await page.isVisible('#scan-warning')).toBe(true);
      await page.close();
    });

    it('a fake code: 疑似假冒 in red, and 联系品牌客服 (a phone call)', async () => {
      const { page } = await open(await scan('o_visitor', 'DEMO-FAKE-0001'), { shot: 'product-fake' });
      await expectConsumerPage(page);
      expect(await page.textContent('#verdict-title')).toBe('疑似假冒');
      expect(await page.$eval('#verdict-title', (e) => (globalThis as any).getComputedStyle(e).color)).toBe('rgb(250, 81, 81)');
      expect(await page.isVisible('#call-brand')).toBe(true);
      expect(await page.getAttribute('#call-brand', 'href')).toBe('tel:4000000000');
      expect(await green(page, '#call-brand')).toBe('rgb(7, 193, 96)');
      await page.close();
    });

    it('a code not activated: 未激活', async () => {
      const { page } = await open(await scan('o_visitor', 'DEMO-NEW-0001'), { shot: 'product-not-active' });
      await expectConsumerPage(page);
      expect(await page.textContent('#verdict-title')).toBe('未激活');
      expect(await page.isVisible('#call-brand')).toBe(true);
      await page.close();
    });

    it('an expired ticket: the product, a note to scan again, no verdict', async () => {
      const path = await scan('o_late', 'DEMO-REAL-0001');
      await bff.control('clock/advance', { seconds: 1201 });
      const { page, status } = await open(path, { shot: 'product-expired' });
      expect(status).toBe(200);
      const text = await expectConsumerPage(page);
      expect(await page.isVisible('#scan-note')).toBe(true);
      expect(text).toContain('扫码已超过 20 分钟');
      expect(await page.$('#verdict')).toBeNull();
      expect(await page.textContent('h1')).toBe('西湖龙井 250g');
      await page.close();
    });

    it('a forwarded ticket: the product, a note, no verdict', async () => {
      const path = await scan('o_sharer', 'DEMO-REAL-0001');
      await open(path).then(({ page }) => page.close()); // the scanner's own browser
      const { page } = await open(path, { shot: 'product-forwarded' });
      const text = await expectConsumerPage(page);
      expect(text).toContain('他人转发的扫码链接');
      expect(await page.$('#verdict')).toBeNull();
      expect(await page.textContent('h1')).toBe('西湖龙井 250g');
      await page.close();
    });

    it('a shared link (no ticket): the product and a note', async () => {
      const { page } = await open(`/landing/product?${q({ wxkeystandard: DEMO_PRODUCT.keystandard, wxkeystr: DEMO_PRODUCT.keystr, wxticket: '' })}`, { shot: 'product-shared' });
      const text = await expectConsumerPage(page);
      expect(text).toContain('分享的商品链接');
      expect(await page.$('#verdict')).toBeNull();
      await page.close();
    });

    it('an unknown product: 商品不存在, naming no key', async () => {
      const { page, status } = await open(`/landing/product?${q({ wxkeystandard: 'ean13', wxkeystr: '6900000000000' })}`, { shot: 'product-unknown' });
      expect(status).toBe(404);
      const text = await expectConsumerPage(page);
      expect(text).toContain('商品不存在');
      expect(text).not.toContain('6900000000000');
      await page.close();
    });
  });

  describe('card page (card button jump)', () => {
    it("the holder's card: face, title, labelled balance and face value, validity", async () => {
      const { page, status } = await open(await cardPath(order.card_list[0]!.code, DEMO_BUYER), { shot: 'card' });
      expect(status).toBe(200);
      const text = await expectConsumerPage(page);
      expect(await page.textContent('#balance')).toBe('¥200.00');
      expect(text).toContain('¥200 尊享礼品卡');
      expect(text).toContain('面值');
      expect(text).toMatch(/有效期\s+\d{4}年\d{1,2}月\d{1,2}日 至 \d{4}年\d{1,2}月\d{1,2}日/);
      expect(await page.$eval('.face img', (i: any) => i.complete && i.naturalWidth > 0)).toBe(true);
      await page.close();
    });

    it('someone else opening it: told it is not in their card bag, nothing of the card', async () => {
      const { page, status } = await open(await cardPath(order.card_list[0]!.code, 'o_stranger'), { shot: 'card-not-yours' });
      expect(status).toBe(403);
      const text = await expectConsumerPage(page);
      expect(text).toContain('这张卡不在你的卡包中');
      expect(text).not.toContain('¥200.00');
      await page.close();
    });

    it('WeChat busy: 服务繁忙 and 重试, which works once WeChat answers', async () => {
      const path = await cardPath(order.card_list[0]!.code, DEMO_BUYER);
      await bff.control('faults', { endpoint: 'code.getCode', errcode: -1, times: 4 });
      const { page, status } = await open(path, { shot: 'card-busy' });
      expect(status).toBe(503);
      const text = await expectConsumerPage(page);
      expect(text).toContain('服务繁忙');
      expect(await green(page, 'a.weui-btn_primary')).toBe('rgb(7, 193, 96)');
      await Promise.all([page.waitForNavigation(), page.click('text=重试')]);
      expect(await page.textContent('#balance')).toBe('¥200.00');
      await page.close();
    });

    it('a card of a refunded order: 已退款, no balance', async () => {
      const refunded = await buy('o_refund', 0);
      const path = await cardPath(refunded.card_list[0]!.code, 'o_refund', refunded.card_list[0]!.card_id);
      expect((await admin(`/orders/${refunded.order_id}/refund`, { method: 'POST' })).status).toBe(200);
      const { page, status } = await open(path, { shot: 'card-refunded' });
      expect(status).toBe(200);
      const text = await expectConsumerPage(page);
      expect(await page.textContent('#status')).toBe('已退款');
      expect(text).not.toContain('余额');
      await page.close();
    });
  });

  describe('order page (shelf cell jump)', () => {
    it("the buyer: order number, time, total, state and the invoice entry", async () => {
      const { page, status } = await open(orderPath(order.order_id, DEMO_BUYER), { shot: 'order' });
      expect(status).toBe(200);
      const text = await expectConsumerPage(page);
      expect(await page.textContent('#order-id')).toBe(order.order_id);
      expect(await page.textContent('#total')).toBe('¥200.00');
      expect(await page.textContent('#order-state')).toBe('已支付');
      expect(text).toMatch(/下单时间\s+\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
      expect(text).toContain('¥200 尊享礼品卡');
      expect(await page.isVisible('#invoice-link')).toBe(true);
      await page.close();
    });

    it("a gift's receiver: the cards, not the buyer's total, payment or invoice", async () => {
      const gift = await buy('o_giver');
      await bff.control('orders/send', { order_id: gift.order_id, openid: 'o_giver' });
      await bff.control('orders/accept', { order_id: gift.order_id, openid: 'o_friend' });
      const { page, status } = await open(orderPath(gift.order_id, 'o_friend'), { shot: 'order-receiver' });
      expect(status).toBe(200);
      const text = await expectConsumerPage(page);
      expect(text).toContain('好友赠送');
      expect(text).toContain('¥200 尊享礼品卡');
      expect(await page.$('#total')).toBeNull();
      expect(await page.$('#order-state')).toBeNull();
      expect(await page.$('#invoice-link')).toBeNull();
      expect(text).not.toContain('实付');
      expect(text).not.toContain('已支付');
      await page.close();
    });

    it('a refunded order: 已退款, no invoice or refund entry', async () => {
      const refunded = await buy('o_refund2');
      expect((await admin(`/orders/${refunded.order_id}/refund`, { method: 'POST' })).status).toBe(200);
      const { page } = await open(orderPath(refunded.order_id, 'o_refund2'), { shot: 'order-refunded' });
      const text = await expectConsumerPage(page);
      expect(await page.textContent('#order-state')).toBe('已退款');
      expect(await page.isVisible('#refunded')).toBe(true);
      expect(await page.$('#invoice-link')).toBeNull();
      expect(text).not.toContain('申请退款');
      await page.close();
    });

    it("someone else's order: one refusal naming nothing of it", async () => {
      const { page, status } = await open(orderPath(order.order_id, 'o_stranger'), { shot: 'order-refused' });
      expect(status).toBe(403);
      const text = await expectConsumerPage(page);
      expect(text).toContain('无法查看订单');
      expect(text).not.toContain(order.order_id);
      await page.close();
    });

    it('the invoice form (单位 / 个人, WeUI radios), a lowercase tax number upper-cased, the request shown on return', async () => {
      const { page } = await open(orderPath(order.order_id, DEMO_BUYER));
      await Promise.all([page.waitForNavigation(), page.click('#invoice-link')]);
      await page.waitForSelector('form');
      await expectConsumerPage(page);
      // WeUI's radio cells, not the browser's blue radio buttons.
      expect(await page.$eval('#type-company', (e) => (globalThis as any).getComputedStyle(e).position)).toBe('absolute');
      await page.click('label[for="type-company"]');
      await page.fill('#title', '腾讯科技（深圳）有限公司');
      await page.fill('#tax_no', '91440300708461136t');
      await page.fill('#email', 'finance@example.com');
      await page.screenshot({ path: join(ARTIFACTS, 'landing-invoice-form.png'), fullPage: true });
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      const text = await expectConsumerPage(page);
      expect(await page.textContent('h1')).toBe('发票申请已提交');
      expect(text).toContain('91440300708461136T');
      expect(text).toContain('单位');
      await page.screenshot({ path: join(ARTIFACTS, 'landing-invoice-submitted.png'), fullPage: true });
      expect(JSON.parse((await bff.db.redis.get(bff.db.keys.invoiceRequest(order.order_id)))!)).toMatchObject({ type: 'company', tax_no: '91440300708461136T', openid: DEMO_BUYER });
      // Back from the order page: the request, with its way to change it.
      await Promise.all([page.waitForNavigation(), page.click('text=返回订单')]);
      await Promise.all([page.waitForNavigation(), page.click('#invoice-link')]);
      expect(await page.textContent('h1')).toBe('已申请发票');
      await expectConsumerPage(page);
      await page.screenshot({ path: join(ARTIFACTS, 'landing-invoice-return.png'), fullPage: true });
      await page.close();
    });
  });

  // Each payload in each parameter of each page, the other parameters valid.
  async function productParams(): Promise<Record<string, string>> {
    const { ticket } = await bff.control<{ ticket: string }>('products/scan', { ...DEMO_PRODUCT, openid: 'o_visitor', extinfo: 'DEMO-REAL-0001' });
    return { wxkeystandard: DEMO_PRODUCT.keystandard, wxkeystr: DEMO_PRODUCT.keystr, wxticket: ticket, wxextinfo: 'DEMO-REAL-0001' };
  }
  async function cardParams(): Promise<Record<string, string>> {
    const { encrypt_code } = await bff.control<{ encrypt_code: string }>('codes/encrypt', { code: order.card_list[0]!.code });
    return { encrypt_code, card_id: cardId, openid: DEMO_BUYER, outer_str: 'moments' };
  }
  const orderParams = async () => ({ order_id: order.order_id, openid: DEMO_BUYER });
  const pages: Array<[string, string, () => Promise<Record<string, string>>]> = [
    ['product', '/landing/product', productParams],
    ['card', '/landing/card', cardParams],
    ['order', '/landing/order', orderParams],
    ['invoice', '/landing/order/invoice', orderParams],
  ];
  it.each(pages)('keeps script payloads in every query parameter of the %s page as plain text', async (_name, path, params) => {
    for (const name of Object.keys(await params())) {
      for (const [i, payload] of PAYLOADS.entries()) {
        const good = await params();
        const { page, dialogs } = await open(`${path}?${q({ ...good, [name]: payload })}`, { shot: i === 1 && name === Object.keys(good)[0] ? `${pathName(path)}-xss` : undefined });
        expect(dialogs).toEqual([]);
        expect(await page.$$('script')).toHaveLength(0);
        expect(await page.$$('img[src="x"], [onerror]')).toHaveLength(0);
        expect(await page.$$('a[href^="javascript:" i]')).toHaveLength(0);
        // Where the page names the value, it is the literal text.
        const html = await page.content();
        if (html.includes('alert(1)')) expect(await page.innerText('main')).toContain(payload);
        await page.close();
      }
    }
  });
});

const pathName = (path: string) => path.replace('/landing/', '').replace('/', '-');
