import { randomBytes } from 'node:crypto';

/**
 * Server-rendered HTML for the landing pages. Every value reaches the page through `escapeHtml`:
 * the `html` template escapes each interpolation unless it is already `SafeHtml` (a fragment built
 * by `html` itself), so no page module concatenates raw strings. Attributes are always quoted, so
 * the same escaping is right in text and attribute contexts.
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

/** A fresh CSP nonce for one response. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** The strict policy of every landing response: styles only with this response's nonce, no scripts at all. */
export function contentSecurityPolicy(nonce: string): string {
  return `default-src 'none'; style-src 'nonce-${nonce}'; img-src https: http: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;
}

/** What a page module answers; routes.ts wraps it in `layout` and sends it. */
export interface Page {
  status: number;
  title: string;
  body: SafeHtml;
}

/** A refusal or error page: a title, one sentence of explanation, nothing else. */
export function messagePage(status: number, title: string, message: string, hint?: string): Page {
  return {
    status,
    title,
    body: html`<section class="card notice"><h1>${title}</h1><p>${message}</p>${hint ? html`<p class="muted">${hint}</p>` : ''}</section>`,
  };
}

/** "YYYY-MM-DD HH:mm" in China Standard Time (UTC+8, no DST) for Unix seconds. */
export function formatTime(unixSeconds: number, withTime = true): string {
  const d = new Date((unixSeconds + 8 * 3600) * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
  return withTime ? `${date} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}` : date;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#f5f6f7;color:#1f2329;font:15px/1.6 -apple-system,BlinkMacSystemFont,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;word-break:break-word}
header.bar{background:#07c160;color:#fff;padding:12px 16px;font-size:17px;font-weight:600}
main{max-width:640px;margin:0 auto;padding:12px}
.card{background:#fff;border-radius:10px;padding:14px 16px;margin:0 0 12px;box-shadow:0 1px 2px rgba(0,0,0,.04)}
h1{font-size:20px;margin:0 0 8px}
h2{font-size:16px;margin:0 0 8px;color:#07c160}
.notice h1{color:#1f2329}
.muted{color:#8a8f99;font-size:13px}
.amount{font-size:28px;font-weight:700;color:#07c160}
dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:4px 12px}
dt{color:#8a8f99}
dd{margin:0}
ul{margin:0;padding-left:18px}
img{max-width:100%;border-radius:8px;display:block}
.thumb{width:96px;height:96px;object-fit:cover;float:right;margin-left:12px}
.tag{display:inline-block;border:1px solid #07c160;color:#07c160;border-radius:4px;padding:0 6px;font-size:12px;margin-right:6px}
.tag.off{border-color:#c0c4cc;color:#8a8f99}
a{color:#07c160}
a.button,button{display:block;width:100%;text-align:center;background:#07c160;color:#fff;border:0;border-radius:8px;padding:11px;font-size:16px;text-decoration:none;margin-top:10px}
a.button.secondary{background:#fff;color:#07c160;border:1px solid #07c160}
label{display:block;margin:10px 0 4px;color:#4e5969}
input[type=text],input[type=email]{width:100%;padding:10px;border:1px solid #dcdfe6;border-radius:8px;font-size:15px}
.radio{display:inline-block;margin-right:16px}
.error{color:#e34d59}
.clear{clear:both}
`;

/** The whole document: viewport meta, the inline style under the response's CSP nonce, a green bar. */
export function layout(page: Page, nonce: string): string {
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="referrer" content="no-referrer">
<title>${page.title}</title>
<style nonce="${nonce}">${new SafeHtml(STYLE)}</style>
</head>
<body>
<header class="bar">礼品卡服务</header>
<main>
${page.body}
</main>
</body>
</html>
`.value;
}
