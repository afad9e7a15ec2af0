/**
 * A small stand-in for `@tarojs/taro` in jsdom tests: router params, a request spy answered by a
 * test-provided handler, in-memory storage, navigation spies and `useDidShow` that tests can fire again.
 */
import { useEffect, useRef } from 'react'
import { act } from '@testing-library/react'

export interface RequestOptions {
  url: string
  method?: string
  data?: unknown
  header?: Record<string, string>
}
export type Handler = (opts: RequestOptions) => { status: number; data?: unknown } | Promise<{ status: number; data?: unknown }>

const state = {
  params: {} as Record<string, string>,
  storage: new Map<string, unknown>(),
  handler: ((o: RequestOptions) => {
    throw new Error(`no request handler for ${o.method} ${o.url}`)
  }) as Handler,
  didShow: new Set<() => void>(),
}

const Taro = {
  request: jest.fn(async (opts: RequestOptions) => {
    const r = await state.handler(opts)
    return { statusCode: r.status, data: r.data, header: {}, errMsg: 'request:ok' }
  }),
  login: jest.fn(async () => ({ code: 'wx_code', errMsg: 'login:ok' })),
  getStorageSync: jest.fn((key: string) => (state.storage.has(key) ? state.storage.get(key) : '')),
  setStorageSync: jest.fn((key: string, value: unknown) => void state.storage.set(key, value)),
  removeStorageSync: jest.fn((key: string) => void state.storage.delete(key)),
  getCurrentInstance: () => ({ router: { params: { ...state.params }, path: '' } }),
  navigateTo: jest.fn(async (_: { url: string }) => ({ errMsg: 'navigateTo:ok' })),
  setClipboardData: jest.fn(async (_: { data: string }) => ({ errMsg: 'setClipboardData:ok' })),
  showToast: jest.fn(async () => ({})),
  makePhoneCall: jest.fn(async () => ({})),
}

/** Runs on mount (the page's first show) and on every `triggerDidShow()`. */
export function useDidShow(cb: () => void): void {
  const ref = useRef(cb)
  ref.current = cb
  useEffect(() => {
    const fire = () => ref.current()
    state.didShow.add(fire)
    fire()
    return () => void state.didShow.delete(fire)
  }, [])
}

export function useRouter() {
  return { params: { ...state.params } }
}

// ---- test controls ----
export function setRouterParams(params: Record<string, string>): void {
  state.params = params
}
export function onRequest(handler: Handler): void {
  state.handler = handler
}
export function storage(): Map<string, unknown> {
  return state.storage
}
/** The page is shown again (returning from another page or from the background). */
export async function triggerDidShow(): Promise<void> {
  await act(async () => {
    state.didShow.forEach((f) => f())
  })
}
export function resetTaro(): void {
  state.params = {}
  state.storage.clear()
  state.didShow.clear()
  state.handler = (o) => {
    throw new Error(`no request handler for ${o.method} ${o.url}`)
  }
  for (const fn of Object.values(Taro)) if (typeof fn === 'function' && 'mockClear' in fn) (fn as jest.Mock).mockClear()
}

export default Taro
