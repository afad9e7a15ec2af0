import { randomBytes } from 'node:crypto';
import { version as WEUI_VERSION } from 'weui/package.json';
import { formatChinaTime } from '@giftcard/shared';

/**
 * Server-rendered HTML for the landing pages. Every value reaches the page through `escapeHtml`:
 * the `html` template escapes each interpolation unless it is already `SafeHtml` (a fragment built
 * by `html` itself), so no page module concatenates raw strings. Attributes are always quoted, so
 * the same escaping is right in text and attribute contexts.
 *
 * The look is WeChat's own: WeUI (the `weui` package, MIT, served from this origin) for cells,
 * buttons, forms and result pages, and a few lines of our own in WeUI's tokens.
 */

/** A fragment of markup whose every value was escaped. Only `html` and `layout` make one. */
export class SafeHtml {
  /** @internal use `html` */
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;', '=': '&#61;' };

/** The one escaper: safe in element text and in a quoted attribute value. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`=]/g, (c) => ESCAPES[c]!);
}

/**
 * Tagged template: `html\`<p>${name}</p>\``. Strings, numbers are escaped; arrays are joined;
 * null, undefined and false render nothing; SafeHtml is kept as is.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new SafeHtml(out);
}

function render(v: unknown): string {
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === undefined || v === null || v === false) return '';
  return escapeHtml(v);
}

/** A URL fit for href/src: absolute http(s) only (no javascript:, data:, relative tricks), else undefined. */
export function httpUrl(url: string | undefined): string | undefined {
  if (typeof url !== 'string') return undefined;
  const u = url.trim();
  return /^https?:\/\/[^\s/?#]+[^\s]*$/i.test(u) ? u : undefined;
}

/** A phone number as a tel: link, when it reads as one (digits, spaces, dashes, a leading +). */
export function telHref(text: string | undefined): string | undefined {
  if (typeof text !== 'string') return undefined;
  const t = text.trim();
  if (!/^\+?[0-9][0-9 -]{4,24}$/.test(t)) return undefined;
  return `tel:${t.replace(/[ -]/g, '')}`;
}

/** A fresh CSP nonce for one response. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** Where the landing pages' WeUI stylesheet is served (versioned, so cached for a year). */
export const WEUI_CSS_PATH = `/landing/assets/weui-${WEUI_VERSION}.min.css`;

/**
 * The strict policy of every landing response: the WeUI stylesheet from this origin and the inline
 * style with this response's nonce, no scripts at all; images from this origin and wherever WeChat
 * or the merchant keeps them (WeUI's icons are data: masks).
 */
export function contentSecurityPolicy(nonce: string): string {
  return `default-src 'none'; style-src 'self' 'nonce-${nonce}'; img-src 'self' https: http: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;
}

/** What a page module answers; routes.ts wraps it in `layout` and sends it. */
export interface Page {
  status: number;
  title: string;
  body: SafeHtml;
}

/** A way forward from a message page: a link, shown as a WeUI button (the first one green). */
export interface Action {
  label: string;
  href: string;
}

export type MessageIcon = 'success' | 'warn' | 'info' | 'waiting';

export interface MessageOptions {
  icon?: MessageIcon;
  /** Ways forward, the first one primary. */
  actions?: Action[];
  /** What to do instead, under the buttons. */
  hint?: string;
  id?: string;
  /** More content between the text and the buttons (e.g. the details of a submitted request). */
  extra?: SafeHtml;
}

/**
 * A result or refusal page in WeChat's own form (WeUI msg): an icon, a title, one sentence of
 * explanation, the ways forward. `retry` only where trying again can help (WeChat busy, a timeout);
 * otherwise a hint of what to do instead.
 */
export function messagePage(status: number, title: string, message: string, opts: MessageOptions = {}): Page {
  return { status, title, body: messageBody(title, message, opts) };
}

export function messageBody(title: string, message: string, opts: MessageOptions = {}): SafeHtml {
  const actions = opts.actions ?? [];
  return html`<div class="weui-msg"${opts.id ? html` id="${opts.id}"` : ''}>
  <div class="weui-msg__icon-area"><i class="weui-icon-${opts.icon ?? 'warn'} weui-icon_msg"></i></div>
  <div class="weui-msg__text-area">
    <h1 class="weui-msg__title">${title}</h1>
    <p class="weui-msg__desc">${message}</p>
  </div>
  ${opts.extra ?? ''}
  ${
    actions.length
      ? html`<div class="weui-msg__opr-area"><p class="weui-btn-area">${actions.map(
          (a, i) => html`<a class="weui-btn ${i === 0 ? 'weui-btn_primary' : 'weui-btn_default'}" href="${a.href}">${a.label}</a>`,
        )}</p></div>`
      : ''
  }
  ${opts.hint ? html`<div class="weui-msg__tips-area"><p class="weui-msg__tips">${opts.hint}</p></div>` : ''}
</div>`;
}

/** 重试: the same page again (for a failure that a retry can fix). */
export const retry = (path: string, query: string): Action => ({ label: '重试', href: query ? `${path}?${query}` : path });

/** A group of WeUI cells, with an optional group title. Nothing for no rows. */
export function cells(title: string | undefined, rows: SafeHtml[], id?: string): SafeHtml {
  rows = rows.filter((r) => r.value !== '');
  if (rows.length === 0) return html``;
  return html`${title ? html`<div class="weui-cells__title">${title}</div>` : ''}<div class="weui-cells"${id ? html` id="${id}"` : ''}>${rows}</div>`;
}

/** A label–value row. */
export function cell(label: string, value: unknown, opts: { id?: string; strong?: boolean } = {}): SafeHtml {
  return html`<div class="weui-cell"><div class="weui-cell__bd">${label}</div><div class="weui-cell__ft${opts.strong ? ' strong' : ''}"${opts.id ? html` id="${opts.id}"` : ''}>${value}</div></div>`;
}

/** A tappable row (WeUI's access cell: 56 px high, with its arrow). */
export function linkCell(label: string, href: string, opts: { id?: string; value?: string; external?: boolean } = {}): SafeHtml {
  return html`<a class="weui-cell weui-cell_access" href="${href}"${opts.id ? html` id="${opts.id}"` : ''}${opts.external ? html` rel="noopener noreferrer"` : ''}><div class="weui-cell__bd">${label}</div><div class="weui-cell__ft">${opts.value ?? ''}</div></a>`;
}

/** "2026年12月1日 14:05" (or the date alone) in China Standard Time (UTC+8, no DST) for Unix seconds. */
export const formatTime = formatChinaTime;

/**
 * What WeUI has no class for, in its own tokens (so its dark mode follows): safe areas, the big
 * amount, the verdict's colours, the product's header. WeUI itself gives 17 px body text, hairline
 * cells, 44 px and up targets and WeChat green primary buttons.
 */
const STYLE = `
body{background:var(--weui-BG-0);-webkit-text-size-adjust:100%}
.page{min-height:100vh;padding:0 env(safe-area-inset-right) calc(32px + env(safe-area-inset-bottom)) env(safe-area-inset-left)}
.weui-msg{padding-top:calc(48px + env(safe-area-inset-top))}
.weui-msg__desc{font-size:17px}
.amount{font-size:34px;font-weight:700;line-height:1.3;color:var(--weui-FG-0)}
.hero{background:var(--weui-BG-2);padding:20px 16px;display:flex;gap:16px;align-items:center}
.hero img{width:88px;height:88px;object-fit:cover;border-radius:8px;flex:none}
.hero h1{font-size:20px;font-weight:600;margin:0 0 4px;color:var(--weui-FG-0)}
.hero p{margin:0;color:var(--weui-FG-1);font-size:14px}
.hero .price{font-size:20px;font-weight:600;color:var(--weui-FG-0);margin-top:4px}
.banner img{display:block;width:100%;height:auto}
.face{padding:16px 16px 0;background:var(--weui-BG-2)}
.face img{display:block;width:100%;border-radius:12px;aspect-ratio:1.6;object-fit:cover}
.balance{background:var(--weui-BG-2);padding:16px 16px 20px;text-align:center}
.balance h1{font-size:17px;font-weight:600;margin:0 0 8px;color:var(--weui-FG-0)}
.balance p{margin:0;color:var(--weui-FG-1);font-size:14px}
.verdict{background:var(--weui-BG-2);padding:28px 24px 24px;text-align:center;margin-bottom:8px}
.verdict .weui-icon_msg{margin-bottom:12px}
.verdict h2{font-size:24px;font-weight:600;margin:0 0 8px;color:var(--weui-FG-0)}
.verdict p{margin:0 0 8px;color:var(--weui-FG-1);font-size:17px}
.verdict p.small{margin:0 0 2px;font-size:14px}
.verdict-none .weui-icon_msg{color:var(--weui-BLUE)}
.verdict-none h2{font-size:20px}
.verdict-real h2{color:var(--weui-BRAND)}
.verdict-fake h2{color:var(--weui-RED)}
.verdict-not_active h2{color:var(--weui-ORANGE)}
.verdict-not_active .weui-icon_msg{color:var(--weui-ORANGE)}
.verdict p.warn{color:var(--weui-RED);font-size:14px;margin-top:4px}
.weui-cell__ft.strong{color:var(--weui-FG-0);font-weight:600}
.weui-btn-area{margin:24px 16px}
.weui-btn-area .weui-btn+.weui-btn{margin-top:16px}
input[name=tax_no]{text-transform:uppercase}
.form-error{color:var(--weui-RED);padding:8px 16px 0;font-size:14px}
`;

/** The whole document: viewport with safe areas, WeUI, the inline style under the response's CSP nonce. */
export function layout(page: Page, nonce: string): string {
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="referrer" content="no-referrer">
<meta name="format-detection" content="telephone=no">
<title>${page.title}</title>
<link rel="stylesheet" href="${WEUI_CSS_PATH}">
<style nonce="${nonce}">${new SafeHtml(STYLE)}</style>
</head>
<body>
<main class="page">
${page.body}
</main>
</body>
</html>
`.value;
}
