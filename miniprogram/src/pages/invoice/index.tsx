import { useRef, useState } from 'react'
import { useDidShow } from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import type { InvoiceResponse } from '@giftcard/shared/api'

import { Cell, CellGroup } from '../../components/cells'
import { Empty, Failure, Loading, failureText } from '../../components/states'
import { api } from '../../services/api'
import { failureKind } from '../../services/errors'
import { formatDateTime } from '../../services/format'
import { INVOICE_TYPE_TEXT, invoiceStatusText, invoiceSteps, normaliseTaxNo, validateInvoiceForm, type InvoiceForm, type InvoiceFormErrors } from '../../services/invoice-form'
import { go, routerParam, routes } from '../../services/router'
import { useResource } from '../../services/use-resource'
import './index.css'

/**
 * The invoice of one order: the request form (个人 or 单位) until one is submitted; then the request
 * itself and where it stands, on every return. One request per order, so the form is gone once sent.
 */
export default function InvoicePage() {
  const orderId = routerParam('order_id')
  // Read on every show: coming back from WeChat's authorization or the order, the request has moved on.
  const [res, reload] = useResource(async () => (orderId ? api.invoice(orderId) : null), false)
  useDidShow(() => {
    void reload()
  })
  const [submitted, setSubmitted] = useState<InvoiceResponse>()
  // A re-read keeps the page as it was until the answer is in (no flash of the loading state).
  if (res.state === 'loading' && res.data === undefined) return <Loading />
  if (res.state === 'error' && res.data === undefined) {
    return <Failure error={res.error} onRetry={reload} notFound={{ title: '没有找到这个订单', hint: '只有购买人可以为订单申请发票' }} way={{ label: '查看我的订单', url: routes.orders, testId: 'go-orders' }} />
  }
  if (!res.data) return <Empty text='没有找到这个订单' way={{ label: '查看我的订单', url: routes.orders, testId: 'go-orders' }} />
  // What the page read last, unless it predates the request just sent.
  const invoice = res.data.request || !submitted ? res.data : submitted
  return (
    <View className='page'>
      {submitted && (
        <View className='invoice-success' data-testid='invoice-success'>
          <View className='invoice-success__icon' />
          <Text className='invoice-success__title'>提交成功</Text>
          <Text className='invoice-success__hint'>商家开具发票后，将发送到你的邮箱</Text>
        </View>
      )}
      <CellGroup title='开票状态'>
        <View className='cell'>
          <Text data-testid='invoice-status'>{invoiceStatusText(invoice)}</Text>
        </View>
      </CellGroup>
      {invoice.request ? (
        <SubmittedRequest invoice={invoice} />
      ) : invoice.offered ? (
        <InvoiceFormView orderId={orderId} onSubmitted={setSubmitted} onNotOffered={() => void reload()} />
      ) : (
        // The shelf was made without need_receipt (002 §12.2.2): the API would refuse the request.
        <View className='cell'>
          <Text className='note' data-testid='invoice-not-offered'>
            该礼品卡不支持开具发票，如有需要请联系商家
          </Text>
        </View>
      )}
      {invoice.request && (
        <Button className='btn btn--plain btn--block' data-testid='back-to-order' onClick={() => go(routes.order(orderId))}>
          返回订单
        </Button>
      )}
    </View>
  )
}

function SubmittedRequest({ invoice }: { invoice: InvoiceResponse }) {
  const req = invoice.request!
  return (
    <View>
      <CellGroup title='进度'>
        <View className='invoice-steps' data-testid='invoice-steps'>
          {invoiceSteps(invoice).map((s) => (
            <View key={s.key} className={s.done ? 'invoice-step invoice-step--done' : 'invoice-step'} data-testid={`invoice-step-${s.key}`}>
              <View className='invoice-step__dot' />
              <Text className='invoice-step__label'>{s.label}</Text>
              {s.time !== undefined && <Text className='invoice-step__time'>{formatDateTime(s.time)}</Text>}
            </View>
          ))}
        </View>
      </CellGroup>
      <CellGroup title='申请信息'>
        <Cell label='抬头类型' value={<Text data-testid='request-type'>{INVOICE_TYPE_TEXT[req.type]}</Text>} />
        <Cell label={req.type === 'company' ? '单位名称' : '发票抬头'} value={<Text data-testid='request-title'>{req.title}</Text>} />
        {req.tax_no && <Cell label='税号' value={<Text data-testid='request-tax-no'>{req.tax_no}</Text>} />}
        <Cell label='接收邮箱' value={<Text data-testid='request-email'>{req.email}</Text>} />
      </CellGroup>
    </View>
  )
}

function InvoiceFormView({ orderId, onSubmitted, onNotOffered }: { orderId: string; onSubmitted: (r: InvoiceResponse) => void; onNotOffered: () => void }) {
  const [form, setForm] = useState<InvoiceForm>({ type: 'personal', title: '', taxNo: '', email: '' })
  const [errors, setErrors] = useState<InvoiceFormErrors>({})
  const [sending, setSending] = useState(false)
  // A second tap before React re-renders must not send a second request.
  const inFlight = useRef(false)
  const [failure, setFailure] = useState('')
  const set = (k: keyof InvoiceForm, normalise: (v: string) => string = (v) => v) => (e: { detail: { value: string } }) => setForm((f) => ({ ...f, [k]: normalise(e.detail.value) }))
  const submit = async () => {
    if (inFlight.current) return
    const v = validateInvoiceForm(form)
    setFailure('')
    if (!v.ok) return setErrors(v.errors)
    setErrors({})
    inFlight.current = true
    setSending(true)
    try {
      onSubmitted(await api.submitInvoice(orderId, v.input))
    } catch (e) {
      // The shelf stopped offering invoices since the page loaded: show the page's own not-offered state.
      if (failureKind(e) === 'not_offered') return onNotOffered()
      setFailure(failureText(e as Error))
      inFlight.current = false
      setSending(false)
    }
  }
  return (
    <View>
      <CellGroup title='申请发票'>
        <View className='segmented'>
          {(['personal', 'company'] as const).map((t) => (
            <Button
              key={t}
              size='mini'
              className={form.type === t ? 'btn segmented__item segmented__item--on' : 'btn btn--plain segmented__item'}
              data-testid={`invoice-type-${t}`}
              disabled={sending}
              onClick={() => setForm((f) => ({ ...f, type: t }))}
            >
              {INVOICE_TYPE_TEXT[t]}
            </Button>
          ))}
        </View>
        <Field label={form.type === 'company' ? '单位名称' : '发票抬头'} error={errors.title} errorId='error-title'>
          <Input className='field__input' data-testid='invoice-title' value={form.title} disabled={sending} placeholder={form.type === 'company' ? '请输入单位名称' : '请输入个人姓名'} onInput={set('title')} />
        </Field>
        {form.type === 'company' && (
          <Field label='税号' error={errors.tax_no} errorId='error-tax-no'>
            <Input className='field__input' data-testid='invoice-tax-no' value={form.taxNo} disabled={sending} placeholder='纳税人识别号' onInput={set('taxNo', normaliseTaxNo)} />
          </Field>
        )}
        <Field label='接收邮箱' error={errors.email} errorId='error-email'>
          <Input className='field__input' data-testid='invoice-email' type='text' value={form.email} disabled={sending} placeholder='用于接收电子发票' onInput={set('email')} />
        </Field>
      </CellGroup>
      {failure && (
        <Text className='field__error note' data-testid='invoice-submit-error'>
          提交失败：{failure}
        </Text>
      )}
      <Button className='btn btn--block' data-testid='invoice-submit' loading={sending} disabled={sending} onClick={() => void submit()}>
        {sending ? '正在提交' : '提交申请'}
      </Button>
    </View>
  )
}

function Field({ label, error, errorId, children }: { label: string; error?: string; errorId: string; children: React.ReactNode }) {
  return (
    <View className='field'>
      <View className='field__row'>
        <Text className='field__label'>{label}</Text>
        {children}
      </View>
      {error && (
        <Text className='field__error' data-testid={errorId}>
          {error}
        </Text>
      )}
    </View>
  )
}
