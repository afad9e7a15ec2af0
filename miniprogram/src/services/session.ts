import Taro from '@tarojs/taro'
import type { SessionResponse } from '@giftcard/shared/api'

import { send, unwrap, ApiError, REQUEST_TIMEOUT_MS } from './http'

// config/early-session.ts repeats these for the script it inlines into index.html (the build's config
// cannot import src/); test/early-session.test.ts holds them equal.
export const TOKEN_KEY = 'giftcard.token'
export const DEMO_USER_KEY = 'giftcard.demo_user'
export const DEFAULT_DEMO_OPENID = 'o_demo_mini'
/** Where index.html leaves the session it started for a new visitor (H5). */
export const EARLY_SESSION_GLOBAL = '__giftcardEarlySession'

export interface EarlySession {
  openid: string
  token: string
}

let pending: Promise<string> | null = null

/** The stored BFF session token, or '' when there is none. */
export function storedToken(): string {
  const t = Taro.getStorageSync(TOKEN_KEY)
  return typeof t === 'string' ? t : ''
}

/** A token: the stored one, else a fresh login. */
export async function token(): Promise<string> {
  return storedToken() || login()
}

/** `wx.login` → code → `POST /api/session` → token kept in storage. Concurrent callers share one login. */
export function login(): Promise<string> {
  if (!pending) {
    pending = (async () => {
      Taro.removeStorageSync(TOKEN_KEY)
      if (process.env.TARO_ENV === 'h5') {
        const early = await takeEarlySession()
        if (early) {
          Taro.setStorageSync(TOKEN_KEY, early.token)
          return early.token
        }
      }
      const code = await loginCode()
      const { token: t } = unwrap<SessionResponse>(await send('POST', '/api/session', { code }))
      Taro.setStorageSync(TOKEN_KEY, t)
      return t
    })().finally(() => {
      pending = null
    })
  }
  return pending
}

/**
 * H5: the session index.html started for a new visitor before the app loaded (config/early-session.ts),
 * taken once: its token when it is for this page's demo user and arrived within the request timeout,
 * else null (the caller logs in itself).
 */
async function takeEarlySession(): Promise<EarlySession | null> {
  if (typeof window === 'undefined') return null
  const w = window as unknown as Record<string, Promise<EarlySession | null> | undefined>
  const started = w[EARLY_SESSION_GLOBAL]
  if (!started) return null
  delete w[EARLY_SESSION_GLOBAL]
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), REQUEST_TIMEOUT_MS)))
  const early = await Promise.race([started.catch(() => null), timeout])
  clearTimeout(timer)
  return early && early.openid === demoOpenid() ? early : null
}

async function loginCode(): Promise<string> {
  if (process.env.TARO_ENV === 'h5') return sandboxLoginCode()
  const { code } = await Taro.login()
  if (!code) throw new ApiError(0, 'login_failed', '微信登录失败')
  return code
}

/**
 * DEMO / SANDBOX ONLY. A browser has no `wx.login`, so the H5 build asks the BFF's WeChat sandbox
 * to mint a login code for a Mini Program openid (`POST /sandbox/_control/users/login {openid}`),
 * exactly what WeChat would hand `wx.login` for that user. The openid is the URL query `demo_user`
 * (remembered in storage so later pages keep the same user), else the remembered one, else
 * `o_demo_mini`. Against real WeChat this path does not exist: H5 is a demo of the Mini Program.
 */
async function sandboxLoginCode(): Promise<string> {
  const openid = demoOpenid()
  const res = unwrap<{ code: string }>(await send('POST', '/sandbox/_control/users/login', { openid }))
  return res.code
}

export function demoOpenid(): string {
  const fromUrl = queryParam('demo_user')
  if (fromUrl) {
    Taro.setStorageSync(DEMO_USER_KEY, fromUrl)
    return fromUrl
  }
  const stored = Taro.getStorageSync(DEMO_USER_KEY)
  return typeof stored === 'string' && stored ? stored : DEFAULT_DEMO_OPENID
}

/** A query parameter of the page URL: the search part or, with the hash router, the part after "?" in the hash. */
function queryParam(name: string): string | null {
  if (typeof window === 'undefined') return null
  const { search, hash } = window.location
  const q = hash.indexOf('?')
  for (const part of [search, q >= 0 ? hash.slice(q) : '']) {
    const v = new URLSearchParams(part).get(name)
    if (v) return v
  }
  return null
}
