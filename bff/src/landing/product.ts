import { parseScanRedirect, yuanToFen, formatFen, type BrandInfo } from '@giftcard/shared';
import type { AntiCounterfeitRegistry, CodeQueries } from '../services/anti-counterfeit';
import { isNotFound, isWechatError, wechatFailureOf, type WechatClient } from '../wechat';
import { cell, cells, formatTime, html, httpUrl, linkCell, messagePage, retry, telHref, type Page, type SafeHtml } from './html';
import { sign, verify } from '../util/signing';
import { TICKET_TTL_SECONDS, type TicketChecker } from './ticket-check';
import { wechatTroublePage } from './wechat-trouble';

/** The request's cookies, as much as a page needs (keeps page modules free of Koa). */
export interface CookieJar {
  get(name: string): string | undefined;
  /** HttpOnly, SameSite=Lax, scoped to the landing path. */
  set(name: string, value: string, maxAgeSeconds: number): void;
}

export interface ProductPageDeps {
  client: WechatClient;
  tickets: TicketChecker;
  /** The merchant's anti-counterfeit codes: the verdict and the code's query count. */
  registry: Pick<AntiCounterfeitRegistry, 'recordQuery' | 'queries'>;
  sessionSecret: string;
  /** Unix seconds (tests). */
  now?: () => number;
}

/** Cookie binding a browser to one ticket: one per ticket, so two scans in one browser do not collide. */
export const ticketCookieName = (hash: string) => `gc_wxt_${hash.slice(0, 16)}`;
const BINDING = 'landing-ticket-binding';

/** What the page may say of the code: the verdict (a valid scan of it), or why not. */
type Scan = { kind: 'verdict'; queries: CodeQueries | null; result: CodeQueries['result'] } | { kind: 'note'; title: string; text: string; retry?: boolean } | { kind: 'none' };

const SCAN_AGAIN = '请扫描你手中商品上的防伪二维码查询真伪。';

/**
 * `GET /landing/product?wxkeystandard&wxkeystr&wxticket&wxextinfo` (000 "Redirection URL Parameters").
 *
 * The product's public homepage (what a shared link shows: WeChat empties the ticket of a shared
 * link) always shows. What belongs to the scan, the anti-counterfeit verdict of the code it carries
 * (`wxextinfo`, looked up in the merchant's registry as the scan_product_callback reply does) and
 * the code's query count, shows only for a ticket WeChat confirms (`/scan/scanticket/check`, cached)
 * as issued for this product, not replayed, and used with the code it was first used with. Otherwise
 * a note says why and what to do; a verdict is never shown to a forwarded link, so a genuine code's
 * link cannot vouch for another item.
 *
 * Replay rule: the ticket's first use sets an HttpOnly, SameSite=Lax cookie holding
 * HMAC(SESSION_SECRET, ticket hash, openid); a later visit with the same ticket is given the
 * verdict only in a browser presenting that cookie. No grace window: the first browser wins, for the
 * ticket's 20 minutes. The first use counts one query of the code; reloads count none.
 */
export async function productPage(deps: ProductPageDeps, query: string, cookies: CookieJar): Promise<Page> {
  const parsed = parseScanRedirect(query);
  if (!parsed.ok) return messagePage(400, '链接不完整', '这个商品链接不完整，无法打开。', { hint: '请回到微信，重新扫描商品上的二维码。' });
  const r = parsed.redirect;

  let brand: BrandInfo;
  try {
    brand = (await deps.client.scan.getProduct({ keystandard: r.keyStandard, keystr: r.keyStr })).brand_info;
  } catch (e) {
    if (isNotFound(e) || wechatFailureOf(e) === 'invalid_request') {
      return messagePage(404, '商品不存在', '没有找到这件商品，它可能已经下架。', { hint: '如有疑问，请联系购买商品的商家。' });
    }
    if (isWechatError(e)) return wechatTroublePage(e, '商品信息', '/landing/product', query);
    throw e;
  }
  const antiFake = (brand.module_info?.module_list ?? []).some((m) => m.type === 'anti_fake');
  const scan = antiFake ? await scanOf(deps, r, cookies) : { kind: 'none' as const };
  return { status: 200, title: brand.base_info?.title || '商品详情', body: render(brand, scan, query) };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

async function scanOf(deps: ProductPageDeps, r: { keyStandard: string; keyStr: string; ticket?: string; extInfo?: string }, cookies: CookieJar): Promise<Scan> {
  if (r.ticket === undefined) return { kind: 'note', title: '扫码查询真伪', text: `这是分享的商品链接，防伪结果只向扫码本人显示。${SCAN_AGAIN}` };
  const check = await deps.tickets.check(r.ticket);
  if (check.kind === 'malformed') return { kind: 'note', title: '请重新扫码', text: `这个扫码链接无效。${SCAN_AGAIN}` };
  if (check.kind === 'unavailable') return { kind: 'note', title: '暂时无法查询', text: '暂时无法查询防伪结果，请稍后重试。', retry: true };
  if (check.kind === 'invalid') return { kind: 'note', title: '扫码已过期', text: '扫码已超过 20 分钟，防伪结果不再显示。重新扫描商品上的防伪二维码即可再次查询。' };
  const facts = check.facts;
  if (facts.keystandard !== r.keyStandard || facts.keystr !== r.keyStr) return { kind: 'note', title: '请重新扫码', text: `这个扫码链接属于另一件商品。${SCAN_AGAIN}` };
  const extinfo = r.extInfo ?? '';
  const cookieName = ticketCookieName(check.hash);
  const claim = await deps.tickets.claim(check.hash, extinfo);
  if (claim.first) {
    cookies.set(cookieName, sign(deps.sessionSecret, BINDING, check.hash, facts.openid), TICKET_TTL_SECONDS);
  } else if (!verify(deps.sessionSecret, cookies.get(cookieName), BINDING, check.hash, facts.openid)) {
    return { kind: 'note', title: '仅扫码本人可见', text: `这是他人转发的扫码链接，防伪结果只向扫码本人显示。${SCAN_AGAIN}` };
  } else if (claim.extinfo !== extinfo) {
    return { kind: 'note', title: '请重新扫码', text: `链接中的防伪码与扫码时不一致。${SCAN_AGAIN}` };
  }
  if (!extinfo) return { kind: 'note', title: '扫码查询真伪', text: '你扫描的是商品条码，不含防伪码。扫描包装上的防伪二维码即可查询真伪。' };
  const now = (deps.now ?? nowSeconds)();
  const queries = claim.first ? await deps.registry.recordQuery(r.keyStandard, r.keyStr, extinfo, now) : await deps.registry.queries(r.keyStandard, r.keyStr, extinfo);
  // A code the registry does not know was never activated by the merchant (as the callback answers).
  return { kind: 'verdict', queries, result: queries?.result ?? 'not_active' };
}

const STATUS: Record<string, string> = { off: '商品已下架', check: '商品信息审核中', reject: '商品信息未通过审核' };

function render(brand: BrandInfo, scan: Scan, query: string): SafeHtml {
  const base = brand.base_info ?? {};
  const thumb = httpUrl(base.thumb_url);
  const price = yuanPrice(base.retail_price);
  const banners = (brand.detail_info?.banner_list ?? []).map((b) => httpUrl(b.link)).filter((u): u is string => u !== undefined);
  const details = brand.detail_info?.detail_list ?? [];
  const actions = brand.action_info?.action_list ?? [];
  const phone = actions.map((a) => telHref(a.text)).find((t) => t !== undefined);
  return html`
${scan.kind === 'verdict' ? verdict(scan, phone) : ''}
${
  scan.kind === 'note'
    ? html`<div class="verdict verdict-none" id="scan-note"><i class="weui-icon-info weui-icon_msg"></i><h2>${scan.title}</h2><p>${scan.text}</p>${
        scan.retry ? html`<div class="weui-btn-area"><a class="weui-btn weui-btn_primary" href="${retry('/landing/product', query).href}">重试</a></div>` : ''
      }</div>`
    : ''
}
<div class="hero" id="product">
  ${thumb ? html`<img src="${thumb}" alt="">` : ''}
  <div>
    <h1>${base.title || '商品'}</h1>
    ${base.brand_tag ? html`<p>${base.brand_tag}</p>` : ''}
    ${price ? html`<div class="price">${price}</div>` : ''}
    ${base.status && STATUS[base.status] ? html`<p>${STATUS[base.status]}</p>` : ''}
  </div>
</div>
${banners.length ? html`<div class="banner">${banners.map((u) => html`<img src="${u}" alt="">`)}</div>` : ''}
${cells('商品信息', details.map((d) => cell(d.title, d.desc)))}
${cells('服务', actions.map(renderAction), 'services')}`;
}

const VERDICT = {
  real: { icon: 'success', title: '正品', text: '经品牌方防伪系统核验，这件商品是正品。' },
  fake: { icon: 'warn', title: '疑似假冒', text: '这个防伪码未通过品牌方核验，商品疑似假冒。请勿购买或使用，并联系品牌客服核实。' },
  not_active: { icon: 'waiting', title: '未激活', text: '这个防伪码尚未激活，商品可能还未出厂销售。请向卖家确认，或联系品牌客服。' },
} as const;

function verdict(scan: Extract<Scan, { kind: 'verdict' }>, phone: string | undefined): SafeHtml {
  const v = VERDICT[scan.result];
  const q = scan.queries;
  return html`<div class="verdict verdict-${scan.result}" id="verdict">
  <i class="weui-icon-${v.icon} weui-icon_msg"></i>
  <h2 id="verdict-title">${v.title}</h2>
  <p>${v.text}</p>
  ${q && q.count > 0 ? html`<p class="small" id="scan-count">该防伪码已被查询 ${q.count} 次</p>${q.first_at ? html`<p class="small">首次查询：${formatTime(q.first_at)}</p>` : ''}` : ''}
  ${q && q.count > 1 && scan.result === 'real' ? html`<p class="warn" id="scan-warning">如果之前的查询不是你本人，请谨防假冒。</p>` : ''}
  ${scan.result !== 'real' && phone ? html`<div class="weui-btn-area"><a class="weui-btn weui-btn_primary" id="call-brand" href="${phone}">联系品牌客服</a></div>` : ''}
</div>`;
}

function renderAction(a: NonNullable<BrandInfo['action_info']>['action_list'][number]): SafeHtml {
  const label = a.name || a.text || '服务';
  const link = httpUrl(a.link);
  if (link) return linkCell(label, link, { external: true });
  const tel = telHref(a.text);
  if (tel) return linkCell(label, tel, { value: a.text });
  return html`<div class="weui-cell"><div class="weui-cell__bd">${label}</div>${a.text && a.text !== label ? html`<div class="weui-cell__ft">${a.text}</div>` : ''}</div>`;
}

/** retail_price is WeChat's yuan string ("12.30"); shown through formatFen, hidden when 0 or unreadable. */
function yuanPrice(price: string | undefined): string | undefined {
  if (price === undefined) return undefined;
  try {
    const fen = yuanToFen(price);
    return fen > 0 ? formatFen(fen) : undefined;
  } catch {
    return undefined;
  }
}
