import { fireEvent, render, screen, waitFor } from '@testing-library/react'

import Taro, { resetTaro, setPages, setRouterParams, storage, triggerDidShow } from '../doubles/taro'
import { serve } from '../helpers'
import InvoicePage from '../../src/pages/invoice/index'
import { TOKEN_KEY } from '../../src/services/session'

beforeEach(() => {
  resetTaro()
  storage().set(TOKEN_KEY, 'tok')
  setRouterParams({ order_id: 'ord-1' })
})

const page = (route: string, options: Record<string, string>) => ({ route, options })
const none = { order_id: 'ord-1', offered: true, authorization: null, request: null }
const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } })

test('a company invoice without a tax number is refused before any request, with inline errors', async () => {
  const seen = serve({ 'GET /api/orders/ord-1/invoice': none })
  render(<InvoicePage />)
  expect(screen.getByTestId('state-loading')).toBeTruthy()
  expect((await screen.findByTestId('invoice-status')).textContent).toBe('尚未申请发票')
  fireEvent.click(screen.getByTestId('invoice-type-company'))
  await screen.findByTestId('invoice-tax-no')
  type('invoice-title', '腾讯科技')
  type('invoice-email', 'not-an-email')
  fireEvent.click(screen.getByTestId('invoice-submit'))
  expect((await screen.findByTestId('error-tax-no')).textContent).toBe('单位发票需填写税号')
  expect(screen.getByTestId('error-email').textContent).toBe('邮箱格式不正确')
  type('invoice-tax-no', '91440300abc')
  fireEvent.click(screen.getByTestId('invoice-submit'))
  expect((await screen.findByTestId('error-tax-no')).textContent).toBe('税号应为 15–20 位字母或数字')
  expect(seen.map((o) => o.method)).toEqual(['GET'])
})

test('单位 and 个人, as on the landing form; a lowercase tax number is upper-cased; one request however often tapped; then 提交成功 and no form', async () => {
  let posts = 0
  let release!: () => void
  const held = new Promise<void>((r) => (release = r))
  const seen = serve({
    'GET /api/orders/ord-1/invoice': none,
    'POST /api/orders/ord-1/invoice': async (o) => {
      posts++
      await held
      return { status: 201, data: { order_id: 'ord-1', authorization: null, request: { ...(o.data as object), order_id: 'ord-1', submitted_at: 1_764_570_300 } } }
    },
  } as never)
  render(<InvoicePage />)
  await screen.findByTestId('invoice-status')
  expect(screen.getByTestId('invoice-type-personal').textContent).toBe('个人')
  expect(screen.getByTestId('invoice-type-company').textContent).toBe('单位')
  fireEvent.click(screen.getByTestId('invoice-type-company'))
  await screen.findByTestId('invoice-tax-no')
  type('invoice-title', ' 腾讯科技 ')
  type('invoice-tax-no', '91440300ma5abcde1x')
  expect((screen.getByTestId('invoice-tax-no') as HTMLInputElement).value).toBe('91440300MA5ABCDE1X')
  type('invoice-email', 'fp@example.com')
  fireEvent.click(screen.getByTestId('invoice-submit'))
  fireEvent.click(screen.getByTestId('invoice-submit'))
  fireEvent.click(screen.getByTestId('invoice-submit'))
  await waitFor(() => expect(posts).toBe(1))
  expect(screen.getByTestId('invoice-submit').textContent).toBe('正在提交')
  release()
  expect((await screen.findByTestId('invoice-success')).textContent).toContain('提交成功')
  expect(posts).toBe(1)
  expect(seen[1]).toMatchObject({ method: 'POST', data: { type: 'company', title: '腾讯科技', tax_no: '91440300MA5ABCDE1X', email: 'fp@example.com' } })
  expect(screen.getByTestId('invoice-status').textContent).toBe('已提交开票申请，等待商家开具')
  // The form is gone: the request is shown instead.
  expect(screen.queryByTestId('invoice-submit')).toBeNull()
  expect(screen.getByTestId('request-type').textContent).toBe('单位')
  expect(screen.getByTestId('request-tax-no').textContent).toBe('91440300MA5ABCDE1X')
  expect(screen.getByTestId('invoice-step-submitted').textContent).toMatch(/已提交开票申请2025年12月1日 \d{2}:\d{2}/)
})

test('a personal request needs no tax number; a BFF refusal is shown inline', async () => {
  const seen = serve({
    'GET /api/orders/ord-1/invoice': none,
    'POST /api/orders/ord-1/invoice': () => ({ status: 400, data: { error: { code: 'invalid_request', message: 'email: Invalid email' } } }),
  })
  render(<InvoicePage />)
  await screen.findByTestId('invoice-status')
  expect(screen.queryByTestId('invoice-tax-no')).toBeNull()
  type('invoice-title', '张三')
  type('invoice-email', 'a@b.cn')
  fireEvent.click(screen.getByTestId('invoice-submit'))
  // The BFF's own words are for developers: the consumer reads Chinese.
  expect((await screen.findByTestId('invoice-submit-error')).textContent).toContain('填写的信息有误')
  expect(screen.getByTestId('invoice-submit-error').textContent).not.toMatch(/[A-Za-z]/)
  expect(seen[1]!.data).toEqual({ type: 'personal', title: '张三', email: 'a@b.cn' })
  expect(screen.getByTestId('invoice-status').textContent).toBe('尚未申请发票')
})

test('coming back shows the request and where it stands (authorized in WeChat), never the form; an unknown order is the error state; no order_id is empty', async () => {
  serve({
    'GET /api/orders/ord-1/invoice': {
      order_id: 'ord-1',
      authorization: { state: 'authorized', invoice_status: 'auth success', auth_time: 1_764_570_400 },
      request: { order_id: 'ord-1', type: 'personal', title: '李四', email: 'l@s.cn', submitted_at: 1_764_570_300 },
    },
  })
  const first = render(<InvoicePage />)
  expect((await screen.findByTestId('invoice-status')).textContent).toBe('已授权开票，等待商家开具')
  expect(screen.getByTestId('request-title').textContent).toBe('李四')
  expect(screen.getByTestId('request-type').textContent).toBe('个人')
  expect(screen.getByTestId('invoice-step-authorized').textContent).toContain('已在微信中授权开票')
  expect(screen.getByTestId('invoice-step-issued').textContent).toBe('商家开具后发送至 l@s.cn')
  expect(screen.queryByTestId('invoice-submit')).toBeNull()
  expect(screen.queryByTestId('invoice-success')).toBeNull()
  // WeChat's own status words are not the consumer's.
  expect(document.body.textContent).not.toContain('auth success')
  first.unmount()
  serve({})
  const second = render(<InvoicePage />)
  expect(await screen.findByTestId('state-error')).toBeTruthy()
  second.unmount()
  setRouterParams({})
  render(<InvoicePage />)
  expect(await screen.findByTestId('state-empty')).toBeTruthy()
})

test('an order whose shelf offers no invoices (need_receipt false) shows that, and no form', async () => {
  const seen = serve({ 'GET /api/orders/ord-1/invoice': { ...none, offered: false } })
  render(<InvoicePage />)
  expect((await screen.findByTestId('invoice-not-offered')).textContent).toBe('该礼品卡不支持开具发票，如有需要请联系商家')
  expect(screen.queryByTestId('invoice-submit')).toBeNull()
  expect(screen.queryByTestId('invoice-title')).toBeNull()
  expect(seen.map((o) => o.method)).toEqual(['GET'])
})

test('a shelf that stopped offering invoices while the form was open (409 invoice_not_offered): the page shows its not-offered state, not 填写的信息有误', async () => {
  let gets = 0
  const seen = serve({
    'GET /api/orders/ord-1/invoice': () => ({ status: 200, data: { ...none, offered: ++gets === 1 } }),
    'POST /api/orders/ord-1/invoice': () => ({ status: 409, data: { error: { code: 'invoice_not_offered', message: 'this order offers no invoice' } } }),
  })
  render(<InvoicePage />)
  await screen.findByTestId('invoice-submit')
  type('invoice-title', '张三')
  type('invoice-email', 'a@b.cn')
  fireEvent.click(screen.getByTestId('invoice-submit'))
  expect((await screen.findByTestId('invoice-not-offered')).textContent).toBe('该礼品卡不支持开具发票，如有需要请联系商家')
  expect(document.body.textContent).not.toContain('填写的信息有误')
  expect(screen.queryByTestId('invoice-submit')).toBeNull()
  expect(seen.map((o) => o.method)).toEqual(['GET', 'POST', 'GET'])
})

test('返回订单 goes back to the order the invoice was opened from, not a second copy of it on the stack', async () => {
  setPages([page('pages/order/index', { order_id: 'ord-1' }), page('pages/invoice/index', { order_id: 'ord-1' })])
  serve({ 'GET /api/orders/ord-1/invoice': { ...none, request: { order_id: 'ord-1', type: 'personal', title: '李四', email: 'l@s.cn', submitted_at: 1_764_570_300 } } })
  render(<InvoicePage />)
  fireEvent.click(await screen.findByTestId('back-to-order'))
  expect(Taro.navigateBack).toHaveBeenCalledTimes(1)
  expect(Taro.navigateTo).not.toHaveBeenCalled()
})

test('coming back to the page shows where the request stands now (authorized in WeChat since it was sent), not what it read first', async () => {
  const request = { order_id: 'ord-1', type: 'personal', title: '李雷', tax_no: null, email: 'li@example.com', submitted_at: 1_764_570_300 }
  let answer: unknown = { ...none, request }
  serve({ 'GET /api/orders/ord-1/invoice': () => ({ status: 200, data: answer }) })
  render(<InvoicePage />)
  expect((await screen.findByTestId('invoice-status')).textContent).toBe('已提交开票申请，等待商家开具')
  answer = { ...none, request, authorization: { state: 'authorized', invoice_status: 'auth success', auth_time: 1_764_570_400 } }
  await triggerDidShow()
  await waitFor(() => expect(screen.getByTestId('invoice-status').textContent).toBe('已授权开票，等待商家开具'))
})
