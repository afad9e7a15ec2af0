import { startBff } from '../support/app';

export type Bff = Awaited<ReturnType<typeof startBff>>;

export interface Fetched {
  status: number;
  headers: Headers;
  text: string;
  cookies: string[];
}

/** GET a landing page (no redirects followed), optionally with a Cookie header. */
export async function get(bff: Bff, path: string, cookie?: string): Promise<Fetched> {
  const res = await fetch(`${bff.origin}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  return { status: res.status, headers: res.headers, text: await res.text(), cookies: res.headers.getSetCookie() };
}

export async function postForm(bff: Bff, path: string, fields: Record<string, string>, contentType = 'application/x-www-form-urlencoded'): Promise<Fetched> {
  const res = await fetch(`${bff.origin}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': contentType }, body: new URLSearchParams(fields).toString() });
  return { status: res.status, headers: res.headers, text: await res.text(), cookies: res.headers.getSetCookie() };
}

export const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** A scan product with homepage content in every part (000 §1.1), published. */
export async function createProduct(bff: Bff, keystr = '6901481811083') {
  await bff.control('products', {
    keystandard: 'ean13',
    keystr,
    status: 'on',
    brand_info: {
      base_info: { title: '有机绿茶', thumb_url: 'https://mmbiz.qpic.cn/thumb.jpg', brand_tag: '茶园直供', category_id: 1, retail_price: '12.30', status: 'on' },
      detail_info: { banner_list: [{ link: 'https://mmbiz.qpic.cn/banner.jpg' }], detail_list: [{ title: '产地', desc: '浙江杭州' }] },
      action_info: {
        action_list: [
          { type: 'Link', name: '官方商城', link: 'https://shop.example.com/tea' },
          { type: 'Link', name: '坏链接', link: 'javascript:alert(1)' },
          { type: 'Text', name: '客服电话', text: '400-000-0000' },
        ],
      },
      module_info: { module_list: [{ type: 'anti_fake', native_show: 'false' }] },
    },
  });
  return { keystandard: 'ean13', keystr };
}

/** A user scans the product: the wxticket WeChat would put in the redirect URL. */
export async function scan(bff: Bff, openid: string, keystr = '6901481811083', extinfo = 'batch-42') {
  const { ticket } = await bff.control<{ ticket: string }>('products/scan', { keystandard: 'ean13', keystr, openid, extinfo });
  return ticket;
}

export function productPath(ticket: string, keystr = '6901481811083', extinfo = 'batch-42') {
  return `/landing/product?${q({ wxkeystandard: 'ean13', wxkeystr: keystr, wxticket: ticket, wxextinfo: extinfo })}`;
}

/** "name=value" of a Set-Cookie, for the next request's Cookie header. */
export const cookiePair = (setCookie: string) => setCookie.split(';')[0]!;

export function expectSecurityHeaders(r: Fetched): void {
  const csp = r.headers.get('content-security-policy') ?? '';
  expect(csp).toMatch(/^default-src 'none'; style-src 'self' 'nonce-[0-9a-f]{32}'; img-src 'self' https: http: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/);
  const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
  expect(r.text).toContain(`<style nonce="${nonce}">`);
  expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  expect(r.headers.get('referrer-policy')).toBe('no-referrer');
  expect(r.headers.get('cache-control')).toBe('no-store');
  expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(r.text).toContain('<meta name="viewport"');
  expect(r.text).toContain('viewport-fit=cover');
  expectConsumerText(r.text);
}

/**
 * What a consumer must never read: English error text, an openid, JSON, NaN / undefined / null,
 * ISO dates. Checked on the page's visible text (the markup without tags, attributes and the style).
 */
export function expectConsumerText(page: string): void {
  const text = visibleText(page);
  expect(text).not.toMatch(/\b(error|failed|not found|invalid|internal|unauthori[sz]ed|forbidden|busy|timeout|undefined|null|NaN|true|false)\b/i);
  expect(text).not.toMatch(/\bo_[A-Za-z0-9_-]+|\bsvc_[A-Za-z0-9_]+/);
  expect(text).not.toMatch(/[{}[\]]|"\w+":/);
  expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
}

/** The text a reader sees: no head, no tags; entities decoded. */
export function visibleText(page: string): string {
  const body = page.replace(/^[\s\S]*<body>/, '').replace(/<\/body>[\s\S]*$/, '');
  return body
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#61;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
