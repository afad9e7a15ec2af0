import { invoiceRequestInput, type InvoiceRequestInput } from '@giftcard/shared/api';
import type { InvoiceRequests } from '../services/invoice-requests';
import type { WechatClient } from '../wechat';
import { html, messagePage, type Page } from './html';
import { loadOrderFor } from './order';
import { sign, verify } from '../util/signing';

export interface InvoiceFormDeps {
  client: WechatClient;
  invoices: InvoiceRequests;
  sessionSecret: string;
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
const FIELD_LABEL: Record<string, string> = { type: '抬头类型', title: '发票抬头', tax_no: '税号', email: '电子邮箱' };

/** `GET /landing/order/invoice?order_id&openid`: the invoice request form, for the order's buyer only. */
export async function invoiceFormPage(deps: InvoiceFormDeps, query: string): Promise<Page> {
  const access = await loadOrderFor(deps.client, query);
  if (!access.ok) return access.page;
  if (access.role !== 'buyer') return messagePage(403, '无法申请发票', '发票只能由订单的购买人申请。');
  return form(deps, access.order.order_id, access.openid, {}, []);
}

/**
 * `POST /landing/order/invoice` (application/x-www-form-urlencoded): CSRF token first (before any
 * WeChat call), then the order must still be the visitor's, then `invoiceRequestInput`.
 */
export async function submitInvoice(deps: InvoiceFormDeps, fields: URLSearchParams): Promise<Page> {
  const orderId = fields.get('order_id') ?? '';
  const openid = fields.get('openid') ?? '';
  if (!orderId || !openid || !csrfValid(deps.sessionSecret, fields.get('csrf') ?? undefined, orderId, openid, (deps.now ?? nowSeconds)())) {
    return messagePage(403, '表单已失效', '表单校验失败或已过期，请从订单页面重新打开发票申请。');
  }
  const access = await loadOrderFor(deps.client, `order_id=${encodeURIComponent(orderId)}&openid=${encodeURIComponent(openid)}`);
  if (!access.ok) return access.page;
  if (access.role !== 'buyer') return messagePage(403, '无法申请发票', '发票只能由订单的购买人申请。');

  const values: FormValues = {};
  for (const name of ['type', 'title', 'tax_no', 'email'] as const) {
    const v = fields.get(name)?.trim();
    if (v) values[name] = v;
  }
  const parsed = invoiceRequestInput.safeParse(values);
  if (!parsed.success) {
    const failed = new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')));
    const bad = Object.keys(FIELD_LABEL).filter((f) => failed.has(f)).map((f) => FIELD_LABEL[f]!);
    return { ...form(deps, orderId, openid, values, bad), status: 400 };
  }
  const input: InvoiceRequestInput = parsed.data;
  await deps.invoices.submit(orderId, openid, input);
  return {
    status: 200,
    title: '已提交',
    body: html`<section class="card notice" id="submitted"><h1>发票申请已提交</h1>
<p>订单 ${orderId} 的发票（${input.type === 'company' ? '单位' : '个人'}：${input.title}）将发送到 ${input.email}。</p></section>`,
  };
}

function form(deps: InvoiceFormDeps, orderId: string, openid: string, v: FormValues, errors: string[]): Page {
  const token = csrfToken(deps.sessionSecret, orderId, openid, (deps.now ?? nowSeconds)());
  const company = v.type === 'company';
  return {
    status: 200,
    title: '申请发票',
    body: html`
<section class="card">
  <h1>申请发票</h1>
  <p class="muted">订单号：<span id="order-id">${orderId}</span></p>
  ${errors.length ? html`<p class="error" id="errors">请检查：${errors.join('、')}</p>` : ''}
  <form method="post" action="/landing/order/invoice">
    <input type="hidden" name="order_id" value="${orderId}">
    <input type="hidden" name="openid" value="${openid}">
    <input type="hidden" name="csrf" value="${token}">
    <label>抬头类型</label>
    <span class="radio"><input type="radio" id="type-personal" name="type" value="personal"${company ? '' : html` checked`}> <label for="type-personal" class="radio">个人</label></span>
    <span class="radio"><input type="radio" id="type-company" name="type" value="company"${company ? html` checked` : ''}> <label for="type-company" class="radio">单位</label></span>
    <label for="title">发票抬头</label>
    <input type="text" id="title" name="title" maxlength="100" required value="${v.title ?? ''}">
    <label for="tax_no">税号（单位必填）</label>
    <input type="text" id="tax_no" name="tax_no" maxlength="20" value="${v.tax_no ?? ''}">
    <label for="email">接收邮箱</label>
    <input type="email" id="email" name="email" maxlength="254" required value="${v.email ?? ''}">
    <button type="submit">提交申请</button>
  </form>
</section>`,
  };
}
