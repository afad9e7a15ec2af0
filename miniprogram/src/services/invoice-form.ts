import type { InvoiceRequestInput, InvoiceResponse } from '@giftcard/shared/api'

/** What the form holds, as typed. */
export interface InvoiceForm {
  type: 'personal' | 'company'
  title: string
  taxNo: string
  email: string
}

export type InvoiceFormErrors = Partial<Record<'title' | 'tax_no' | 'email', string>>

// The BFF's rules (shared/src/api/invoice.ts invoiceRequestInput), checked here first so the user
// sees them inline; the BFF checks again and its answer wins.
const TAX_NO = /^[0-9A-Z]{15,20}$/
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** The request to send, or the errors to show (nothing is sent then). */
export function validateInvoiceForm(form: InvoiceForm): { ok: true; input: InvoiceRequestInput } | { ok: false; errors: InvoiceFormErrors } {
  const errors: InvoiceFormErrors = {}
  const title = form.title.trim()
  const taxNo = form.taxNo.trim()
  const email = form.email.trim()
  if (!title) errors.title = form.type === 'company' ? '请填写公司名称' : '请填写发票抬头'
  else if (title.length > 100) errors.title = '抬头不能超过 100 个字'
  if (form.type === 'company' && !taxNo) errors.tax_no = '企业发票需填写税号'
  else if (form.type === 'company' && !TAX_NO.test(taxNo)) errors.tax_no = '税号应为 15–20 位大写字母或数字'
  if (!email) errors.email = '请填写接收邮箱'
  else if (email.length > 254 || !EMAIL.test(email)) errors.email = '邮箱格式不正确'
  if (Object.keys(errors).length > 0) return { ok: false, errors }
  const input: InvoiceRequestInput = { type: form.type, title, email }
  if (form.type === 'company') input.tax_no = taxNo
  return { ok: true, input }
}

/** One line describing where the invoice stands. */
export function invoiceStatusText(inv: InvoiceResponse): string {
  if (inv.request) {
    const kind = inv.request.type === 'company' ? '企业' : '个人'
    return `已提交开票申请（${kind}）：${inv.request.title}，发送至 ${inv.request.email}`
  }
  if (inv.authorization?.state === 'authorized') return `已授权开票${inv.authorization.invoice_status ? `（${inv.authorization.invoice_status}）` : ''}`
  if (inv.authorization?.state === 'not_authorized') return '未授权开票'
  return '尚未申请发票'
}
