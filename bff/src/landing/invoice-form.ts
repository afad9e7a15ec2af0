import { invoiceRequestInput, type InvoiceRequestInput } from '@giftcard/shared/api';
import type { InvoiceRequests, StoredInvoiceRequest } from '../services/invoice-requests';
import type { WechatClient } from '../wechat';
import { cell, cells, formatTime, html, messageBody, messagePage, type Page, type SafeHtml } from './html';
import { invoiceFormPath, loadOrderFor, type InvoiceOfferCheck } from './order';
import { orderDisclosure, viewerOf } from '../policy';
import { sign, verify } from '../util/signing';

export interface InvoiceFormDeps {
  client: WechatClient;
  invoices: InvoiceRequests;
  sessionSecret: string;
  /** Whether the order can be invoiced (services/invoice-offer.ts); without it every order is offered. */
  offered?: InvoiceOfferCheck;
  /** Unix seconds (injectable for tests). */
  now?: () => number;
}

const CSRF = 'landing-invoice-csrf';
/** A form left open longer than this must be reloaded. */
export const CSRF_TTL_SECONDS = 60 * 60;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** `<issued>.<HMAC(issued, order_id, openid)>`: tied to the order and visitor, expires after an hour. */
export function csrfToken(secret: string, orderId: string, openid: string, issued: number): string {
  return `${issued}.${sign(secret, CSRF, String(issued), orderId, openid)}`;
}

function csrfValid(secret: string, token: string | undefined, orderId: string, openid: string, now: number): boolean {
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{1,64})$/.exec(token ?? '');
  if (!m) return false;
  const issued = Number(m[1]);
  if (issued > now + 60 || now - issued > CSRF_TTL_SECONDS) return false;
  return verify(secret, m[2], CSRF, m[1]!, orderId, openid);
}

type FormValues = Partial<Record<'type' | 'title' | 'tax_no' | 'email', string>>;
const FIELD_LABEL: Record<string, string> = { type: '抬头类型', title: '发票抬头', tax_no: '税号', email: '接收邮箱' };
/** The Mini Program's words (pages/invoice): 单位 / 个人. */
const TYPE_TEXT: Record<'company' | 'personal', string> = { company: '单位', personal: '个人' };
/** The shelf was made without need_receipt (002 §12.2.2): no request can be made. */
const NOT_OFFERED = () => messagePage(409, '不支持开具发票', '该礼品卡不支持开具发票。', { icon: 'info', hint: '如有需要，请联系商家客服。' });
const ONLY_BUYER = () => messagePage(403, '无法申请发票', '发票只能由付款的购买人申请。', { icon: 'info', hint: '收到的礼品卡如需发票，请联系送你礼品卡的好友。' });

/** `GET /landing/order/invoice?order_id&openid`: the invoice request form, for the order's buyer only. */
export async function invoiceFormPage(deps: InvoiceFormDeps, query: string): Promise<Page> {
  const access = await loadOrderFor(deps.client, query);
  if (!access.ok) return access.page;
  if (!orderDisclosure(viewerOf(access.role)).invoice) return ONLY_BUYER();
  // Coming back after a request: it is shown, with the way to change it.
  const earlier = await deps.invoices.get(access.order.order_id);
  if (earlier && earlier.openid === access.openid && !/[?&]edit=1(&|$)/.test(query)) return submitted(access.order.order_id, access.openid, earlier, false);
  if (deps.offered && !(await deps.offered(access.order))) return NOT_OFFERED();
  return form(deps, access.order.order_id, access.openid, earlier && earlier.openid === access.openid ? earlier : {}, []);
}

/**
 * `POST /landing/order/invoice` (application/x-www-form-urlencoded): CSRF token first (before any
 * WeChat call), then the order must still be the visitor's, then `invoiceRequestInput`.
 */
export async function submitInvoice(deps: InvoiceFormDeps, fields: URLSearchParams): Promise<Page> {
  const orderId = fields.get('order_id') ?? '';
  const openid = fields.get('openid') ?? '';
  if (!orderId || !openid || !csrfValid(deps.sessionSecret, fields.get('csrf') ?? undefined, orderId, openid, (deps.now ?? nowSeconds)())) {
    return messagePage(403, '表单已失效', '表单已过期，请从订单页重新打开发票申请。', { hint: '为保护你的信息，申请表单打开 1 小时后失效。' });
  }
  const access = await loadOrderFor(deps.client, `order_id=${encodeURIComponent(orderId)}&openid=${encodeURIComponent(openid)}`);
  if (!access.ok) return access.page;
  if (!orderDisclosure(viewerOf(access.role)).invoice) return ONLY_BUYER();
  if (deps.offered && !(await deps.offered(access.order))) return NOT_OFFERED();

  const values: FormValues = {};
  for (const name of ['type', 'title', 'tax_no', 'email'] as const) {
    const v = fields.get(name)?.trim();
    // Tax numbers are written in capitals; a lowercase one is the same number.
    if (v) values[name] = name === 'tax_no' ? v.toUpperCase() : v;
  }
  // A personal invoice needs no tax number: one typed before switching to 个人 is dropped.
  if (values.type === 'personal') delete values.tax_no;
  const parsed = invoiceRequestInput.safeParse(values);
  if (!parsed.success) {
    const failed = new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')));
    const bad = Object.keys(FIELD_LABEL).filter((f) => failed.has(f)).map((f) => FIELD_LABEL[f]!);
    return { ...form(deps, orderId, openid, values, bad), status: 400 };
  }
  const input: InvoiceRequestInput = parsed.data;
  const stored = await deps.invoices.submit(orderId, openid, input);
  return submitted(orderId, openid, stored, true);
}

/** The request as submitted: a success page right after, the request's state when coming back. */
function submitted(orderId: string, openid: string, req: StoredInvoiceRequest, justNow: boolean): Page {
  const details: SafeHtml = cells(undefined, [
    cell('抬头类型', TYPE_TEXT[req.type]),
    cell('发票抬头', req.title),
    req.tax_no ? cell('税号', req.tax_no) : html``,
    cell('接收邮箱', req.email),
    cell('提交时间', formatTime(req.submitted_at)),
  ]);
  const back = `/landing/order?order_id=${encodeURIComponent(orderId)}&openid=${encodeURIComponent(openid)}`;
  return {
    status: 200,
    title: justNow ? '已提交' : '发票申请',
    body: messageBody(justNow ? '发票申请已提交' : '已申请发票', '商家开具后，电子发票将发送到你的邮箱。', {
      icon: justNow ? 'success' : 'waiting',
      id: 'submitted',
      extra: html`<div class="weui-msg__custom-area">${details}</div>`,
      actions: [
        { label: '返回订单', href: back },
        { label: '修改申请', href: `${invoiceFormPath(orderId, openid)}&edit=1` },
      ],
    }),
  };
}

function form(deps: InvoiceFormDeps, orderId: string, openid: string, v: FormValues, errors: string[]): Page {
  const token = csrfToken(deps.sessionSecret, orderId, openid, (deps.now ?? nowSeconds)());
  const company = v.type === 'company';
  const radio = (value: 'personal' | 'company', checked: boolean) =>
    html`<label class="weui-cell weui-cell_active weui-check__label" for="type-${value}"><div class="weui-cell__bd"><p>${TYPE_TEXT[value]}</p></div><div class="weui-cell__ft"><input type="radio" class="weui-check" id="type-${value}" name="type" value="${value}"${checked ? html` checked` : ''}><span class="weui-icon-checked"></span></div></label>`;
  const input = (name: string, label: string, attrs: SafeHtml, value: string | undefined) =>
    html`<label class="weui-cell weui-cell_active" for="${name}"><div class="weui-cell__hd"><span class="weui-label">${label}</span></div><div class="weui-cell__bd"><input class="weui-input" id="${name}" name="${name}" ${attrs} value="${value ?? ''}"></div></label>`;
  return {
    status: 200,
    title: '申请发票',
    body: html`
<form method="post" action="/landing/order/invoice">
  <input type="hidden" name="order_id" value="${orderId}">
  <input type="hidden" name="openid" value="${openid}">
  <input type="hidden" name="csrf" value="${token}">
  <div class="weui-cells__title">订单号 <span id="order-id">${orderId}</span></div>
  ${errors.length ? html`<p class="form-error" id="errors">请检查：${errors.join('、')}</p>` : ''}
  <div class="weui-cells__title">抬头类型</div>
  <div class="weui-cells weui-cells_radio">${radio('company', company)}${radio('personal', !company)}</div>
  <div class="weui-cells__title">发票信息</div>
  <div class="weui-cells weui-cells_form">
    ${input('title', '发票抬头', html`type="text" maxlength="100" required placeholder="单位名称或个人姓名"`, v.title)}
    ${input('tax_no', '税号', html`type="text" maxlength="20" autocapitalize="characters" placeholder="单位必填"`, v.tax_no)}
    ${input('email', '接收邮箱', html`type="email" maxlength="254" required placeholder="电子发票发送到这里"`, v.email)}
  </div>
  <div class="weui-btn-area"><button type="submit" class="weui-btn weui-btn_primary">提交申请</button></div>
</form>`,
  };
}
