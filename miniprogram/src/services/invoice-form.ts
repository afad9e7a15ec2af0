import type { InvoiceRequestInput, InvoiceResponse } from '@giftcard/shared/api'

/** What the form holds, as typed. */
export interface InvoiceForm {
  type: 'personal' | 'company'
  title: string
  taxNo: string
  email: string
}

export type InvoiceFormErrors = Partial<Record<'title' | 'tax_no' | 'email', string>>

/** The words for the two kinds of title, the same as the landing page's form. */
export const INVOICE_TYPE_TEXT: Record<InvoiceForm['type'], string> = { personal: '个人', company: '单位' }

/** A tax number as typed → as the tax office writes it: upper case, no spaces. */
export function normaliseTaxNo(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase()
}

// The BFF's rules (shared/src/api/invoice.ts invoiceRequestInput), checked here first so the user
// sees them inline; the BFF checks again and its answer wins.
const TAX_NO = /^[0-9A-Z]{15,20}$/
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** The request to send, or the errors to show (nothing is sent then). */
export function validateInvoiceForm(form: InvoiceForm): { ok: true; input: InvoiceRequestInput } | { ok: false; errors: InvoiceFormErrors } {
  const errors: InvoiceFormErrors = {}
  const title = form.title.trim()
  const taxNo = normaliseTaxNo(form.taxNo)
  const email = form.email.trim()
  if (!title) errors.title = form.type === 'company' ? '请填写单位名称' : '请填写发票抬头'
  else if (title.length > 100) errors.title = '抬头不能超过 100 个字'
  if (form.type === 'company' && !taxNo) errors.tax_no = '单位发票需填写税号'
  else if (form.type === 'company' && !TAX_NO.test(taxNo)) errors.tax_no = '税号应为 15–20 位字母或数字'
  if (!email) errors.email = '请填写接收邮箱'
  else if (email.length > 254 || !EMAIL.test(email)) errors.email = '邮箱格式不正确'
  if (Object.keys(errors).length > 0) return { ok: false, errors }
  const input: InvoiceRequestInput = { type: form.type, title, email }
  if (form.type === 'company') input.tax_no = taxNo
  return { ok: true, input }
}

/** One line describing where the invoice stands (never WeChat's own status words). */
export function invoiceStatusText(inv: InvoiceResponse): string {
  if (inv.request) return inv.authorization?.state === 'authorized' ? '已授权开票，等待商家开具' : '已提交开票申请，等待商家开具'
  if (inv.authorization?.state === 'authorized') return '已在微信中授权开票，等待商家开具'
  if (inv.authorization?.state === 'not_authorized') return '未授权开票'
  return '尚未申请发票'
}

export interface InvoiceStep {
  key: 'submitted' | 'authorized' | 'issued'
  label: string
  /** Unix seconds, when known. */
  time?: number
  done: boolean
}

/** The request's way to an invoice: submitted → authorized in WeChat (when it was) → issued by the merchant and emailed. */
export function invoiceSteps(inv: InvoiceResponse): InvoiceStep[] {
  const steps: InvoiceStep[] = []
  if (inv.request) steps.push({ key: 'submitted', label: '已提交开票申请', time: inv.request.submitted_at, done: true })
  if (inv.authorization?.state === 'authorized') steps.push({ key: 'authorized', label: '已在微信中授权开票', time: inv.authorization.auth_time ?? undefined, done: true })
  steps.push({ key: 'issued', label: inv.request ? `商家开具后发送至 ${inv.request.email}` : '商家开具后发送至邮箱', done: false })
  return steps
}
