/**
 * A small stand-in for `@tarojs/taro` in jsdom tests: router params, enter options, a request spy
 * answered by a test-provided handler, in-memory storage, navigation spies and `useDidShow` that tests
 * can fire again (with the App's onShow options, as a warm re-entry passes them).
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
  didShow: new Set<(options: ShowOptions) => void>(),
  pageNotFound: new Set<(res: { path: string; isEntryPage: boolean }) => void>(),
  enterOptions: { path: '', query: {} } as ShowOptions,
  showOptions: { path: '', query: {} } as ShowOptions,
  pages: [] as PageEntry[],
}

/** One entry of WeChat's page stack, as `getCurrentPages()` gives it: route without a leading slash. */
export interface PageEntry {
  route: string
  options: Record<string, string>
}

/** What WeChat passes App.onShow and `getEnterOptionsSync` returns (the fields the app reads). */
export interface ShowOptions {
  path: string
  query: Record<string, string>
  scene?: number
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
  redirectTo: jest.fn(async (_: { url: string }) => ({ errMsg: 'redirectTo:ok' })),
  navigateBack: jest.fn(async (_?: { delta?: number }) => ({ errMsg: 'navigateBack:ok' })),
  getCurrentPages: jest.fn(() => state.pages.map((p) => ({ ...p, options: { ...p.options } }))),
  reLaunch: jest.fn(async (_: { url: string }) => ({ errMsg: 'reLaunch:ok' })),
  setClipboardData: jest.fn(async (_: { data: string }) => ({ errMsg: 'setClipboardData:ok' })),
  showToast: jest.fn(async () => ({})),
  makePhoneCall: jest.fn(async () => ({})),
  getEnterOptionsSync: jest.fn(() => ({ ...state.enterOptions, query: { ...state.enterOptions.query } })),
  openCard: jest.fn(async (_: { cardList: { cardId: string; code: string }[] }) => ({ errMsg: 'openCard:ok' })),
}

/**
 * Runs on mount (the first show) and on every `triggerDidShow()`, with the show's options (Taro hands
 * them to the App's hook; a page's callback ignores them).
 */
export function useDidShow(cb: (options: ShowOptions) => void): void {
  const ref = useRef(cb)
  ref.current = cb
  useEffect(() => {
    const fire = (options: ShowOptions) => ref.current(options)
    state.didShow.add(fire)
    fire(state.showOptions)
    return () => void state.didShow.delete(fire)
  }, [])
}

/** The App's onPageNotFound; a test fires it with `triggerPageNotFound`. */
export function usePageNotFound(cb: (res: { path: string; isEntryPage: boolean }) => void): void {
  const ref = useRef(cb)
  ref.current = cb
  useEffect(() => {
    const fire = (res: { path: string; isEntryPage: boolean }) => ref.current(res)
    state.pageNotFound.add(fire)
    return () => void state.pageNotFound.delete(fire)
  }, [])
}

export async function triggerPageNotFound(path: string): Promise<void> {
  await act(async () => {
    state.pageNotFound.forEach((f) => f({ path, isEntryPage: true }))
  })
}

export function useRouter() {
  return { params: { ...state.params } }
}

// ---- test controls ----
export function setRouterParams(params: Record<string, string>): void {
  state.params = params
}
/**
 * The browser's fetch, as the H5 build calls it instead of Taro.request (src/services/http.ts):
 * answered by the same handler, which sees the same options (the JSON body parsed back into `data`).
 */
export const fetchDouble = jest.fn(async (url: string, init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {}) => {
  const r = await state.handler({ url, method: init.method ?? 'GET', data: init.body === undefined ? undefined : JSON.parse(init.body), header: { ...init.headers } })
  const text = r.data === undefined ? '' : typeof r.data === 'string' ? r.data : JSON.stringify(r.data)
  return { status: r.status, ok: r.status >= 200 && r.status < 300, text: async () => text, json: async () => JSON.parse(text) as unknown }
})
// jsdom has no fetch; this module is loaded with the app's code (in the test's module registry).
;(globalThis as { fetch?: unknown }).fetch = fetchDouble

export function onRequest(handler: Handler): void {
  state.handler = handler
}
export function storage(): Map<string, unknown> {
  return state.storage
}
/** The entry options of a cold start (`getEnterOptionsSync`), which the first show also gets. */
export function setEnterOptions(options: ShowOptions): void {
  state.enterOptions = options
  state.showOptions = options
}
/**
 * The app is shown again: returning from another page or the background (no options: the same
 * entry), or a warm re-entry with new options (e.g. a second card-button jump). As in WeChat, the
 * App's onShow runs before the page's: the App registered last (React runs a parent's effects after
 * its children's), so callbacks fire newest first.
 */
export async function triggerDidShow(options?: ShowOptions): Promise<void> {
  if (options) state.showOptions = options
  await act(async () => {
    ;[...state.didShow].reverse().forEach((f) => f(state.showOptions))
  })
}
/** WeChat's page stack, oldest first (the last is the current page). */
export function setPages(pages: PageEntry[]): void {
  state.pages = pages
}
export function resetTaro(): void {
  state.params = {}
  state.pages = []
  state.storage.clear()
  state.didShow.clear()
  state.pageNotFound.clear()
  state.enterOptions = { path: '', query: {} }
  state.showOptions = { path: '', query: {} }
  state.handler = (o) => {
    throw new Error(`no request handler for ${o.method} ${o.url}`)
  }
  for (const fn of Object.values(Taro)) if (typeof fn === 'function' && 'mockClear' in fn) (fn as jest.Mock).mockClear()
  fetchDouble.mockClear()
}

export default Taro
