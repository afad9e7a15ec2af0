import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GiftCardOrder } from '@giftcard/shared';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startBff } from '../../bff/test/support/app';
import { buy, openShop } from '../../bff/test/support/giftcards';
import type { TestSandbox } from '../../bff/test/support/sandbox';

/**
 * Every landing page in a real Chromium: it renders (Chinese text, the nonce'd style applies under
 * the strict CSP), a screenshot of each is kept under test/artifacts/, and script payloads in each
 * query parameter stay plain text: no dialog, no injected element.
 */
jest.setTimeout(60_000);

const ARTIFACTS = join(__dirname, '..', 'artifacts');
const PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)'];
/** Percent-encoded as WeChat sends it (a space is %20: the jump parsers keep "+" as "+"). */
const q = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

describe('landing pages in Chromium', () => {
  let bff: Awaited<ReturnType<typeof startBff>>;
  let browser: Browser;
  let order: GiftCardOrder;
  let cardId: string;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    bff = await startBff();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    await bff.control('products', {
      keystandard: 'ean13',
      keystr: '6901481811083',
      status: 'on',
      brand_info: {
        base_info: { title: '有机绿茶 250g', brand_tag: '茶园直供', retail_price: '39.90', status: 'on' },
        detail_info: { detail_list: [{ title: '产地', desc: '浙江杭州西湖' }, { title: '保质期', desc: '18 个月' }] },
        action_info: { action_list: [{ type: 'Link', name: '官方商城', link: 'https://shop.example.com/tea' }, { type: 'Text', name: '客服电话', text: '400-000-0000' }] },
        module_info: { module_list: [{ type: 'anti_fake', native_show: 'false' }] },
      },
    });
    const shop = await openShop(bff.wechat, bff as unknown as TestSandbox, [{ price: 20000 }]);
    cardId = shop.cardIds[0]!;
    order = await buy(bff as unknown as TestSandbox, { openid: 'o_buyer', page_id: shop.pageId, items: [{ card_id: cardId, count: 2 }] });
  });
  afterAll(async () => {
    await browser?.close();
    await bff?.close();
  });

  async function open(path: string, shot?: string): Promise<{ page: Page; dialogs: string[]; status: number }> {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const res = await page.goto(`${bff.origin}${path}`, { waitUntil: 'load' });
    await page.waitForSelector('main section');
    if (shot) await page.screenshot({ path: join(ARTIFACTS, `landing-${shot}.png`), fullPage: true });
    return { page, dialogs, status: res!.status() };
  }

  async function productParams(): Promise<Record<string, string>> {
    const { ticket } = await bff.control<{ ticket: string }>('products/scan', { keystandard: 'ean13', keystr: '6901481811083', openid: 'o_visitor', extinfo: 'batch-42' });
    return { wxkeystandard: 'ean13', wxkeystr: '6901481811083', wxticket: ticket, wxextinfo: 'batch-42' };
  }
  async function cardParams(): Promise<Record<string, string>> {
    const { encrypt_code } = await bff.control<{ encrypt_code: string }>('codes/encrypt', { code: order.card_list[0]!.code });
    return { encrypt_code, card_id: cardId, openid: 'o_buyer', outer_str: 'moments' };
  }
  const orderParams = async () => ({ order_id: order.order_id, openid: 'o_buyer' });

  it('renders the product page, styled, with the visitor facts', async () => {
    const { page, dialogs, status } = await open(`/landing/product?${q(await productParams())}`, 'product');
    expect(status).toBe(200);
    expect(await page.textContent('h1')).toBe('有机绿茶 250g');
    expect(await page.textContent('#visitor')).toContain('已扫码');
    // The nonce'd inline style applied (the CSP let it through): the bar is WeChat green.
    expect(await page.$eval('header.bar', (e) => (globalThis as unknown as { getComputedStyle(el: unknown): { backgroundColor: string } }).getComputedStyle(e).backgroundColor)).toBe('rgb(7, 193, 96)');
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('renders the expired-ticket page', async () => {
    const params = await productParams();
    await bff.control('clock/advance', { seconds: 1201 });
    const { page, status } = await open(`/landing/product?${q(params)}`, 'product-expired');
    expect(status).toBe(403);
    expect(await page.textContent('h1')).toBe('链接已过期');
    await page.close();
  });

  it('renders the card page', async () => {
    const { page, status } = await open(`/landing/card?${q(await cardParams())}`, 'card');
    expect(status).toBe(200);
    expect(await page.textContent('#balance')).toBe('¥200.00');
    await page.close();
  });

  it('renders the order page and submits the invoice form from it', async () => {
    const { page, status } = await open(`/landing/order?${q(await orderParams())}`, 'order');
    expect(status).toBe(200);
    expect(await page.textContent('#order-id')).toBe(order.order_id);
    await page.click('#invoice-link');
    await page.waitForSelector('form');
    await page.check('#type-company');
    await page.fill('#title', '腾讯科技（深圳）有限公司');
    await page.fill('#tax_no', '91440300708461136T');
    await page.fill('#email', 'finance@example.com');
    await page.screenshot({ path: join(ARTIFACTS, 'landing-invoice-form.png'), fullPage: true });
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(await page.textContent('h1')).toBe('发票申请已提交');
    await page.screenshot({ path: join(ARTIFACTS, 'landing-invoice-submitted.png'), fullPage: true });
    expect(JSON.parse((await bff.db.redis.get(bff.db.keys.invoiceRequest(order.order_id)))!)).toMatchObject({ type: 'company', openid: 'o_buyer' });
    await page.close();
  });

  // Each payload in each parameter of each page, the other parameters valid.
  const pages: Array<[string, string, () => Promise<Record<string, string>>]> = [
    ['product', '/landing/product', productParams],
    ['card', '/landing/card', cardParams],
    ['order', '/landing/order', orderParams],
    ['invoice', '/landing/order/invoice', orderParams],
  ];
  it.each(pages)('keeps script payloads in every query parameter of the %s page as plain text', async (name, path, params) => {
    for (const name of Object.keys(await params())) {
      for (const [i, payload] of PAYLOADS.entries()) {
        const good = await params();
        const { page, dialogs } = await open(`${path}?${q({ ...good, [name]: payload })}`, i === 1 && name === Object.keys(good)[0] ? `${pathName(path)}-xss` : undefined);
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
