import Taro, { resetTaro, storage } from './doubles/taro'
import { serve } from './helpers'
import { DEMO_USER_KEY, login, TOKEN_KEY } from '../src/services/session'

beforeEach(() => {
  resetTaro()
  window.history.replaceState(null, '', '/')
})
afterEach(() => {
  process.env.TARO_ENV = 'weapp'
})

const sandbox = () =>
  serve({
    'POST /sandbox/_control/users/login': (o) => ({ status: 200, data: { code: `code-for-${(o.data as { openid: string }).openid}` } }),
    'POST /api/session': (o) => ({ status: 200, data: { token: `tok-${(o.data as { code: string }).code}`, expiresIn: 7200 } }),
  })

test('weapp: wx.login code is exchanged for a token', async () => {
  const seen = sandbox()
  await expect(login()).resolves.toBe('tok-wx_code')
  expect(Taro.login).toHaveBeenCalledTimes(1)
  expect(seen.map((o) => o.url)).toEqual(['/api/session'])
})

test('H5: the code comes from the sandbox for the demo_user of the URL, remembered in storage', async () => {
  process.env.TARO_ENV = 'h5'
  window.history.replaceState(null, '', '/#/pages/shelf/index?demo_user=o_alice')
  const seen = sandbox()
  await expect(login()).resolves.toBe('tok-code-for-o_alice')
  expect(Taro.login).not.toHaveBeenCalled()
  expect(seen[0]).toMatchObject({ method: 'POST', url: '/sandbox/_control/users/login', data: { openid: 'o_alice' } })
  expect(storage().get(DEMO_USER_KEY)).toBe('o_alice')
  expect(storage().get(TOKEN_KEY)).toBe('tok-code-for-o_alice')

  // Without demo_user in the URL, the remembered user is used.
  window.history.replaceState(null, '', '/#/pages/orders/index')
  await expect(login()).resolves.toBe('tok-code-for-o_alice')
})

test('H5: without demo_user anywhere the default demo openid logs in', async () => {
  process.env.TARO_ENV = 'h5'
  const seen = sandbox()
  await login()
  expect(seen[0]!.data).toEqual({ openid: 'o_demo_mini' })
})

test('concurrent callers share one login', async () => {
  const seen = sandbox()
  const [a, b] = await Promise.all([login(), login()])
  expect(a).toBe(b)
  expect(seen.filter((o) => o.url === '/api/session')).toHaveLength(1)
})
