import Taro, { fetchDouble, resetTaro, storage } from './doubles/taro'
import { serve } from './helpers'
import * as inlined from '../config/early-session'
import * as session from '../src/services/session'
import { DEMO_USER_KEY, EARLY_SESSION_GLOBAL, login, TOKEN_KEY, type EarlySession } from '../src/services/session'

const { earlySessionScript } = inlined

/** index.html's inline script, run as the browser runs it (jsdom's window, localStorage, the fetch double). */
function runInlineScript(): Promise<EarlySession | null> | undefined {
  new Function(earlySessionScript(''))()
  return (window as unknown as Record<string, Promise<EarlySession | null> | undefined>)[EARLY_SESSION_GLOBAL]
}

const sandbox = () =>
  serve({
    'POST /sandbox/_control/users/login': (o) => ({ status: 200, data: { code: `code-for-${(o.data as { openid: string }).openid}` } }),
    'POST /api/session': (o) => ({ status: 200, data: { token: `tok-${(o.data as { code: string }).code}`, expiresIn: 7200 } }),
  })

beforeEach(() => {
  resetTaro()
  localStorage.clear()
  delete (window as unknown as Record<string, unknown>)[EARLY_SESSION_GLOBAL]
  window.history.replaceState(null, '', '/')
  process.env.TARO_ENV = 'h5'
})
afterEach(() => {
  process.env.TARO_ENV = 'weapp'
})

test('the inlined script uses the session\'s own keys, default user and global', () => {
  for (const k of ['TOKEN_KEY', 'DEMO_USER_KEY', 'DEFAULT_DEMO_OPENID', 'EARLY_SESSION_GLOBAL'] as const) expect([k, inlined[k]]).toEqual([k, session[k]])
})

test('a new visitor: the session starts in index.html for the URL\'s demo_user, and login() takes it without asking again', async () => {
  window.history.replaceState(null, '', '/app/#/pages/shelf/index?demo_user=o_alice')
  const seen = sandbox()
  await expect(runInlineScript()).resolves.toEqual({ openid: 'o_alice', token: 'tok-code-for-o_alice' })
  expect(seen.map((o) => `${o.method} ${o.url}`)).toEqual(['POST /sandbox/_control/users/login', 'POST /api/session'])
  expect(seen[0]!.data).toEqual({ openid: 'o_alice' })

  await expect(login()).resolves.toBe('tok-code-for-o_alice')
  expect(seen).toHaveLength(2)
  expect(storage().get(TOKEN_KEY)).toBe('tok-code-for-o_alice')
  expect(storage().get(DEMO_USER_KEY)).toBe('o_alice')
  // Taken once: a later login (a 401) logs in itself.
  await expect(login()).resolves.toBe('tok-code-for-o_alice')
  expect(seen).toHaveLength(4)
  expect(Taro.login).not.toHaveBeenCalled()
})

test('the user remembered in Taro\'s storage (localStorage, {"data": …}), else the default demo user', async () => {
  const seen = sandbox()
  localStorage.setItem(DEMO_USER_KEY, JSON.stringify({ data: 'o_bob' }))
  await expect(runInlineScript()).resolves.toMatchObject({ openid: 'o_bob' })
  localStorage.clear()
  await expect(runInlineScript()).resolves.toMatchObject({ openid: 'o_demo_mini' })
  expect(seen.filter((o) => o.url === '/sandbox/_control/users/login').map((o) => o.data)).toEqual([{ openid: 'o_bob' }, { openid: 'o_demo_mini' }])
})

test('a stored token: nothing is started', () => {
  localStorage.setItem(TOKEN_KEY, JSON.stringify({ data: 'tok-old' }))
  expect(runInlineScript()).toBeUndefined()
  expect(fetchDouble).not.toHaveBeenCalled()
})

test('a failed early session is null, and login() logs in as before', async () => {
  window.history.replaceState(null, '', '/app/#/pages/shelf/index?demo_user=o_alice')
  const seen = serve({
    'POST /sandbox/_control/users/login': () => ({ status: 503, data: { error: { code: 'busy', message: 'busy' } } }),
  })
  await expect(runInlineScript()).resolves.toBeNull()
  sandbox()
  await expect(login()).resolves.toBe('tok-code-for-o_alice')
  expect(seen.map((o) => o.url)).toEqual(['/sandbox/_control/users/login'])
})

test('an early session for another user than the page\'s is not used', async () => {
  window.history.replaceState(null, '', '/app/#/pages/shelf/index?demo_user=o_alice')
  sandbox()
  const early = runInlineScript()
  await early
  window.history.replaceState(null, '', '/app/#/pages/shelf/index?demo_user=o_carol')
  await expect(login()).resolves.toBe('tok-code-for-o_carol')
})
