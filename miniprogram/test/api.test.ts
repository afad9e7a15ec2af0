import Taro, { fetchDouble, resetTaro, storage } from './doubles/taro'
import { serve } from './helpers'
import { api, ApiError } from '../src/services/api'
import { REQUEST_TIMEOUT_MS } from '../src/services/http'
import { TOKEN_KEY } from '../src/services/session'

beforeEach(() => resetTaro())
afterEach(() => {
  process.env.TARO_ENV = 'weapp'
  jest.useRealTimers()
})

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

describe('H5: the browser\'s fetch, not Taro.request', () => {
  beforeEach(() => {
    process.env.TARO_ENV = 'h5'
  })

  test('the same exchange: JSON body, Bearer header, 401 renewal; Taro.request is not used', async () => {
    storage().set(TOKEN_KEY, 'expired')
    const seen = serve({
      'POST /api/orders/o1/invoice': (o) => (o.header!.Authorization === 'Bearer tok-h5' ? { status: 200, data: { state: 'submitted' } } : { status: 401, data: { error: { code: 'unauthorized', message: 'bad token' } } }),
      'POST /sandbox/_control/users/login': { code: 'c1' },
      'POST /api/session': { token: 'tok-h5', expiresIn: 7200 },
    })
    await expect(api.submitInvoice('o1', { type: 'personal', title: 'x', email: 'a@b.cn' })).resolves.toEqual({ state: 'submitted' })
    expect(seen.map((o) => `${o.method} ${o.url}`)).toEqual(['POST /api/orders/o1/invoice', 'POST /sandbox/_control/users/login', 'POST /api/session', 'POST /api/orders/o1/invoice'])
    expect(seen[0]!.data).toEqual({ type: 'personal', title: 'x', email: 'a@b.cn' })
    expect(seen[0]!.header).toMatchObject({ 'Content-Type': 'application/json', Authorization: 'Bearer expired' })
    expect(Taro.request).not.toHaveBeenCalled()
    expect(fetchDouble).toHaveBeenCalledTimes(4)
  })

  test('a GET sends no body; a non-JSON error body is an ApiError with the status', async () => {
    storage().set(TOKEN_KEY, 'tok')
    serve({ 'GET /api/cards': () => ({ status: 502, data: 'Bad Gateway' }) })
    await expect(api.cards()).rejects.toMatchObject({ status: 502, code: 'http_502' })
    expect(fetchDouble.mock.calls[0]![1]).toMatchObject({ method: 'GET', body: undefined })
  })

  test('no answer is a network ApiError; none within the timeout is a timeout ApiError', async () => {
    storage().set(TOKEN_KEY, 'tok')
    fetchDouble.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    await expect(api.cards()).rejects.toMatchObject({ status: 0, code: 'network', message: 'Failed to fetch' })

    jest.useFakeTimers()
    fetchDouble.mockImplementationOnce(
      (_url: string, init: { signal?: AbortSignal } = {}) =>
        new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError')))),
    )
    const pending = api.cards()
    const settled = expect(pending).rejects.toMatchObject({ status: 0, code: 'timeout' })
    await jest.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS)
    await settled
  })
})
