import { parseScanRedirect, yuanToFen, formatFen, type BrandInfo } from '@giftcard/shared';
import { isWechatError, type WechatClient } from '../wechat';
import { html, httpUrl, messagePage, type Page, type SafeHtml } from './html';
import { sign, verify } from '../util/signing';
import { TICKET_TTL_SECONDS, type TicketChecker, type TicketFacts } from './ticket-check';

/** The request's cookies, as much as a page needs (keeps page modules free of Koa). */
export interface CookieJar {
  get(name: string): string | undefined;
  /** HttpOnly, SameSite=Lax, scoped to the landing path. */
  set(name: string, value: string, maxAgeSeconds: number): void;
}

export interface ProductPageDeps {
  client: WechatClient;
  tickets: TicketChecker;
  sessionSecret: string;
}

/** Cookie binding a browser to one ticket: one per ticket, so two scans in one browser do not collide. */
export const ticketCookieName = (hash: string) => `gc_wxt_${hash.slice(0, 16)}`;
const BINDING = 'landing-ticket-binding';

/**
 * `GET /landing/product?wxkeystandard&wxkeystr&wxticket&wxextinfo` (000 "Redirection URL Parameters").
 *
 * Order of checks: keys present → ticket present (absent: a shared link, WeChat emptied it, so the
 * public homepage shows without any visitor facts) → well formed → checked with WeChat (cached) →
 * issued for this product → not replayed → homepage content.
 *
 * Replay rule: the ticket's first use sets an HttpOnly, SameSite=Lax cookie holding
 * HMAC(SESSION_SECRET, ticket hash, openid); a later visit with the same ticket is shown only to a
 * browser presenting that cookie, anyone else (a forwarded or leaked URL) is refused. No grace
 * window: the first browser wins, for the ticket's 20 minutes.
 */
export async function productPage(deps: ProductPageDeps, query: string, cookies: CookieJar): Promise<Page> {
  const parsed = parseScanRedirect(query);
  if (!parsed.ok) return messagePage(400, '链接不完整', '商品链接缺少必要的参数，请回到微信重新扫码打开。');
  const r = parsed.redirect;

  let visitor: TicketFacts | undefined;
  if (r.ticket !== undefined) {
    const check = await deps.tickets.check(r.ticket);
    if (check.kind === 'malformed') return messagePage(400, '链接无效', '扫码凭证格式不正确，请回到微信重新扫码打开。');
    if (check.kind === 'unavailable') return messagePage(503, '服务繁忙', '暂时无法验证扫码凭证，请稍后刷新重试。');
    if (check.kind === 'invalid') return messagePage(403, '链接已过期', '扫码凭证已失效（有效期 20 分钟），请重新扫描商品上的二维码。');
    const facts = check.facts;
    if (facts.keystandard !== r.keyStandard || facts.keystr !== r.keyStr) {
      return messagePage(403, '链接与商品不符', '扫码凭证属于另一件商品，无法在此页面使用，请重新扫码。');
    }
    const cookieName = ticketCookieName(check.hash);
    const first = await deps.tickets.claimFirstUse(check.hash);
    if (first) {
      cookies.set(cookieName, sign(deps.sessionSecret, BINDING, check.hash, facts.openid), TICKET_TTL_SECONDS);
    } else if (!verify(deps.sessionSecret, cookies.get(cookieName), BINDING, check.hash, facts.openid)) {
      return messagePage(403, '链接已被使用', '这个扫码链接已在其他设备上打开过，为保护扫码用户的信息，请自己扫描商品二维码。');
    }
    visitor = facts;
  }

  let brand: BrandInfo;
  try {
    brand = (await deps.client.scan.getProduct({ keystandard: r.keyStandard, keystr: r.keyStr })).brand_info;
  } catch (e) {
    if (isWechatError(e, 40097) || (isWechatError(e) && e.kind === 'invalid_request')) {
      return messagePage(404, '商品不存在', `未找到商品（${r.keyStandard} / ${r.keyStr}），它可能已下架。`);
    }
    if (isWechatError(e)) return messagePage(503, '服务繁忙', '暂时无法读取商品信息，请稍后刷新重试。');
    throw e;
  }
  return { status: 200, title: brand.base_info?.title || '商品主页', body: render(brand, visitor, r.extInfo, r.ticket === undefined) };
}

const SCENES: Record<string, string> = { '1': '扫描商品条码', '2': '聊天、收藏或朋友圈' };
const MODULES: Record<string, string> = { anti_fake: '防伪查询' };
const STATUS: Record<string, string> = { on: '已发布', off: '未发布', check: '审核中', reject: '审核未通过' };

function render(brand: BrandInfo, visitor: TicketFacts | undefined, extInfo: string | undefined, shared: boolean): SafeHtml {
  const base = brand.base_info ?? {};
  const thumb = httpUrl(base.thumb_url);
  const price = yuanPrice(base.retail_price);
  const banners = (brand.detail_info?.banner_list ?? []).map((b) => httpUrl(b.link)).filter((u): u is string => u !== undefined);
  const details = brand.detail_info?.detail_list ?? [];
  const actions = brand.action_info?.action_list ?? [];
  const modules = brand.module_info?.module_list ?? [];
  return html`
<section class="card">
  ${thumb ? html`<img class="thumb" src="${thumb}" alt="">` : ''}
  <h1>${base.title || '商品'}</h1>
  ${base.brand_tag ? html`<p class="muted">${base.brand_tag}</p>` : ''}
  ${price ? html`<p class="amount">${price}</p>` : ''}
  ${base.status && base.status !== 'on' ? html`<p><span class="tag off">${STATUS[base.status] ?? base.status}</span></p>` : ''}
  <div class="clear"></div>
</section>
<section class="card" id="visitor">
  <h2>访问者</h2>
  ${
    visitor
      ? html`<p><span class="tag ${visitor.is_check ? '' : 'off'}">${visitor.is_check ? '已扫码' : '未扫码'}</span><span class="tag ${visitor.is_contact ? '' : 'off'}">${visitor.is_contact ? '已关注公众号' : '未关注公众号'}</span></p>
         <p class="muted">来源：${SCENES[String(visitor.scene)] ?? String(visitor.scene)}</p>`
      : html`<p class="muted">${shared ? '这是分享的链接，无法确认访问者身份；扫描商品二维码可查看扫码信息。' : ''}</p>`
  }
  ${extInfo !== undefined ? html`<p class="muted">码信息：<span id="extinfo">${extInfo}</span></p>` : ''}
</section>
${banners.length ? html`<section class="card">${banners.map((u) => html`<img src="${u}" alt="">`)}</section>` : ''}
${
  details.length
    ? html`<section class="card"><h2>商品详情</h2><dl>${details.map((d) => html`<dt>${d.title}</dt><dd>${d.desc}</dd>`)}</dl></section>`
    : ''
}
${actions.length ? html`<section class="card"><h2>服务</h2>${actions.map(renderAction)}</section>` : ''}
${
  modules.length
    ? html`<section class="card"><h2>功能模块</h2><p>${modules.map((m) => html`<span class="tag">${MODULES[m.type] ?? m.type}</span>`)}</p></section>`
    : ''
}`;
}

function renderAction(a: NonNullable<BrandInfo['action_info']>['action_list'][number]): SafeHtml {
  const label = a.name || a.text || a.type;
  const link = httpUrl(a.link);
  if (link) return html`<a class="button secondary" href="${link}" rel="noopener noreferrer">${label}</a>`;
  return html`<p>${label}${a.text && a.text !== label ? html`：${a.text}` : ''}</p>`;
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
