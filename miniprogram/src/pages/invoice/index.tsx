import { useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import type { InvoiceResponse } from '@giftcard/shared/api'

import { CellGroup } from '../../components/cells'
import { Empty, Failure, Loading, failureText } from '../../components/states'
import { api } from '../../services/api'
import { invoiceStatusText, validateInvoiceForm, type InvoiceForm, type InvoiceFormErrors } from '../../services/invoice-form'
import { routerParam } from '../../services/router'
import { useResource } from '../../services/use-resource'

/** The invoice of one order: where it stands, and the request form (personal or company title). */
export default function InvoicePage() {
  const orderId = routerParam('order_id')
  const [res, reload] = useResource(async () => (orderId ? api.invoice(orderId) : null))
  const [submitted, setSubmitted] = useState<InvoiceResponse>()
  if (res.state === 'loading') return <Loading />
  if (res.state === 'error') return <Failure error={res.error} onRetry={reload} />
  if (!res.data) return <Empty text='未指定订单' />
  const invoice = submitted ?? res.data
  return (
    <View className='page'>
      <CellGroup title='开票状态'>
        <View className='cell'>
          <Text data-testid='invoice-status'>{invoiceStatusText(invoice)}</Text>
        </View>
      </CellGroup>
      <InvoiceFormView orderId={orderId} onSubmitted={setSubmitted} />
    </View>
  )
}

function InvoiceFormView({ orderId, onSubmitted }: { orderId: string; onSubmitted: (r: InvoiceResponse) => void }) {
  const [form, setForm] = useState<InvoiceForm>({ type: 'personal', title: '', taxNo: '', email: '' })
  const [errors, setErrors] = useState<InvoiceFormErrors>({})
  const [sending, setSending] = useState(false)
  const [failure, setFailure] = useState('')
  const set = (k: keyof InvoiceForm) => (e: { detail: { value: string } }) => setForm((f) => ({ ...f, [k]: e.detail.value }))
  const submit = async () => {
    const v = validateInvoiceForm(form)
    setFailure('')
    if (!v.ok) return setErrors(v.errors)
    setErrors({})
    setSending(true)
    try {
      onSubmitted(await api.submitInvoice(orderId, v.input))
    } catch (e) {
      setFailure(failureText(e as Error))
    } finally {
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
              onClick={() => setForm((f) => ({ ...f, type: t }))}
            >
              {t === 'personal' ? '个人' : '企业'}
            </Button>
          ))}
        </View>
        <Field label={form.type === 'company' ? '公司名称' : '发票抬头'} error={errors.title} errorId='error-title'>
          <Input className='field__input' data-testid='invoice-title' value={form.title} placeholder='请输入抬头' onInput={set('title')} />
        </Field>
        {form.type === 'company' && (
          <Field label='税号' error={errors.tax_no} errorId='error-tax-no'>
            <Input className='field__input' data-testid='invoice-tax-no' value={form.taxNo} placeholder='15–20 位大写字母或数字' onInput={set('taxNo')} />
          </Field>
        )}
        <Field label='接收邮箱' error={errors.email} errorId='error-email'>
          <Input className='field__input' data-testid='invoice-email' type='text' value={form.email} placeholder='name@example.com' onInput={set('email')} />
        </Field>
      </CellGroup>
      {failure && (
        <Text className='field__error note' data-testid='invoice-submit-error'>
          提交失败：{failure}
        </Text>
      )}
      <Button className='btn btn--block' data-testid='invoice-submit' loading={sending} disabled={sending} onClick={() => void submit()}>
        提交申请
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
