import Taro, { resetTaro, storage } from './doubles/taro'
import { serve } from './helpers'
import { api, ApiError } from '../src/services/api'
import { TOKEN_KEY } from '../src/services/session'

beforeEach(() => resetTaro())

test('logs in on first use and sends the token as a Bearer header', async () => {
  const seen = serve({ 'GET /api/cards': { cards: [] } })
  await expect(api.cards()).resolves.toEqual({ cards: [] })
  expect(Taro.login).toHaveBeenCalledTimes(1)
  expect(seen.map((o) => `${o.method} ${o.url}`)).toEqual(['POST /api/session', 'GET /api/cards'])
  expect(seen[0]!.data).toEqual({ code: 'wx_code' })
  expect(seen[1]!.header!.Authorization).toBe('Bearer t1')
  expect(storage().get(TOKEN_KEY)).toBe('t1')
})

test('reuses the stored token without logging in', async () => {
  storage().set(TOKEN_KEY, 'old')
  const seen = serve({ 'GET /api/cards': { cards: [] } })
  await api.cards()
  expect(Taro.login).not.toHaveBeenCalled()
  expect(seen).toHaveLength(1)
  expect(seen[0]!.header!.Authorization).toBe('Bearer old')
})

test('on 401 logs in again once and retries once with the new token', async () => {
  storage().set(TOKEN_KEY, 'expired')
  const seen = serve({
    'GET /api/orders/o%2F1': (o) => (o.header!.Authorization === 'Bearer t1' ? { status: 200, data: { order_id: 'o/1' } } : { status: 401, data: { error: { code: 'unauthorized', message: 'bad token' } } }),
  })
  await expect(api.order('o/1')).resolves.toEqual({ order_id: 'o/1' })
  expect(seen.map((o) => `${o.method} ${o.url} ${o.header?.Authorization ?? ''}`)).toEqual([
    'GET /api/orders/o%2F1 Bearer expired',
    'POST /api/session ',
    'GET /api/orders/o%2F1 Bearer t1',
  ])
  expect(storage().get(TOKEN_KEY)).toBe('t1')
})

test('a second 401 is not retried again: it surfaces as an ApiError', async () => {
  storage().set(TOKEN_KEY, 'expired')
  const seen = serve({ 'GET /api/cards': () => ({ status: 401, data: { error: { code: 'unauthorized', message: 'no' } } }) })
  const err = await api.cards().catch((e: unknown) => e)
  expect(err).toBeInstanceOf(ApiError)
  expect(err).toMatchObject({ status: 401, code: 'unauthorized', message: 'no' })
  expect(Taro.login).toHaveBeenCalledTimes(1)
  expect(seen.map((o) => o.url)).toEqual(['/api/cards', '/api/session', '/api/cards'])
})

test('BFF errors become typed ApiErrors with status, code and message', async () => {
  storage().set(TOKEN_KEY, 'tok')
  serve({ 'POST /api/orders/o1/invoice': () => ({ status: 400, data: { error: { code: 'invalid_request', message: 'tax_no: bad' } } }) })
  const err = await api.submitInvoice('o1', { type: 'personal', title: 'x', email: 'a@b.cn' }).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(ApiError)
  expect(err).toMatchObject({ status: 400, code: 'invalid_request', message: 'tax_no: bad' })
})

test('a non-JSON error and a network failure are ApiErrors too', async () => {
  storage().set(TOKEN_KEY, 'tok')
  serve({ 'GET /api/cards': () => ({ status: 502, data: 'Bad Gateway' }) })
  await expect(api.cards()).rejects.toMatchObject({ status: 502, code: 'http_502' })
  ;(Taro.request as jest.Mock).mockRejectedValueOnce({ errMsg: 'request:fail timeout' })
  await expect(api.cards()).rejects.toMatchObject({ status: 0, code: 'timeout', message: 'request:fail timeout' })
  ;(Taro.request as jest.Mock).mockRejectedValueOnce({ errMsg: 'request:fail' })
  await expect(api.cards()).rejects.toMatchObject({ status: 0, code: 'network' })
})

test('orders are paged with offset and limit', async () => {
  storage().set(TOKEN_KEY, 'tok')
  const seen = serve({ 'GET /api/orders?offset=20&limit=10': { total: 0, offset: 20, limit: 10, orders: [] } })
  await api.orders({ offset: 20, limit: 10 })
  expect(seen[0]!.url).toBe('/api/orders?offset=20&limit=10')
})
