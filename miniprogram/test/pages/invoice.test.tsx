import { fireEvent, render, screen } from '@testing-library/react'

import { resetTaro, setRouterParams, storage } from '../doubles/taro'
import { serve } from '../helpers'
import InvoicePage from '../../src/pages/invoice/index'
import { TOKEN_KEY } from '../../src/services/session'

beforeEach(() => {
  resetTaro()
  storage().set(TOKEN_KEY, 'tok')
  setRouterParams({ order_id: 'ord-1' })
})

const none = { order_id: 'ord-1', authorization: null, request: null }
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
  expect((await screen.findByTestId('error-tax-no')).textContent).toBe('企业发票需填写税号')
  expect(screen.getByTestId('error-email').textContent).toBe('邮箱格式不正确')
  type('invoice-tax-no', '91440300abc')
  fireEvent.click(screen.getByTestId('invoice-submit'))
  expect((await screen.findByTestId('error-tax-no')).textContent).toBe('税号应为 15–20 位大写字母或数字')
  expect(seen.map((o) => o.method)).toEqual(['GET'])
})

test('a valid company request is sent and the status shows it', async () => {
  const seen = serve({
    'GET /api/orders/ord-1/invoice': none,
    'POST /api/orders/ord-1/invoice': (o) => ({ status: 201, data: { order_id: 'ord-1', authorization: null, request: { ...(o.data as object), order_id: 'ord-1', submitted_at: 1 } } }),
  })
  render(<InvoicePage />)
  await screen.findByTestId('invoice-status')
  fireEvent.click(screen.getByTestId('invoice-type-company'))
  await screen.findByTestId('invoice-tax-no')
  type('invoice-title', ' 腾讯科技 ')
  type('invoice-tax-no', '91440300MA5ABCDE1X')
  type('invoice-email', 'fp@example.com')
  fireEvent.click(screen.getByTestId('invoice-submit'))
  await screen.findByText(/已提交开票申请/)
  expect(seen[1]).toMatchObject({ method: 'POST', data: { type: 'company', title: '腾讯科技', tax_no: '91440300MA5ABCDE1X', email: 'fp@example.com' } })
  expect(screen.getByTestId('invoice-status').textContent).toBe('已提交开票申请（企业）：腾讯科技，发送至 fp@example.com')
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

test('an existing request is shown; an unknown order is the error state; no order_id is empty', async () => {
  serve({ 'GET /api/orders/ord-1/invoice': { ...none, request: { order_id: 'ord-1', type: 'personal', title: '李四', email: 'l@s.cn', submitted_at: 1 } } })
  const first = render(<InvoicePage />)
  expect((await screen.findByTestId('invoice-status')).textContent).toContain('李四')
  first.unmount()
  serve({})
  const second = render(<InvoicePage />)
  expect(await screen.findByTestId('state-error')).toBeTruthy()
  second.unmount()
  setRouterParams({})
  render(<InvoicePage />)
  expect(await screen.findByTestId('state-empty')).toBeTruthy()
})
