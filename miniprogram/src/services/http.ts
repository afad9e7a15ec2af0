import Taro from '@tarojs/taro'
import type { ApiError as ApiErrorBody } from '@giftcard/shared/api'

import { bffOrigin } from '../env'

export type Method = 'GET' | 'POST'

/** The BFF answers within WeChat's own 5 s timeout (504 past it); no answer at all by this is a timeout. */
export const REQUEST_TIMEOUT_MS = 15_000

/** Every failure of the BFF API: its HTTP status (0: no answer), the BFF's stable code and a message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export interface RawResponse {
  status: number
  data: unknown
}

/** One HTTP exchange with the BFF (`${BFF_ORIGIN}${path}`); never throws for an HTTP status, only for no answer. */
export async function send(method: Method, path: string, data?: unknown, token?: string): Promise<RawResponse> {
  const header: Record<string, string> = { 'Content-Type': 'application/json' }
  if (token) header.Authorization = `Bearer ${token}`
  // An if/else on the build-time constant: webpack drops the branch (and Taro.request's imports) the target does not take.
  if (process.env.TARO_ENV === 'h5') {
    return fetchH5(method, `${bffOrigin}${path}`, data, header)
  } else {
    try {
      const res = await Taro.request({ url: `${bffOrigin}${path}`, method, data: data as never, header, dataType: 'json', timeout: REQUEST_TIMEOUT_MS })
      return { status: res.statusCode, data: res.data }
    } catch (e) {
      const message = (e as { errMsg?: string; message?: string }).errMsg ?? (e as Error).message ?? 'request failed'
      throw new ApiError(0, /timeout|timed out/i.test(message) ? 'timeout' : 'network', message)
    }
  }
}

/**
 * H5: the browser's own fetch, as Taro.request does there, without what Taro.request's H5 build
 * brings into the first page beside it (fetch, AbortController and JSONP polyfills for browsers
 * this app does not target). A JSON body is parsed, any other is the text; the build drops this for weapp.
 */
async function fetchH5(method: Method, url: string, data: unknown, header: Record<string, string>): Promise<RawResponse> {
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS)
  try {
    const res = await fetch(url, { method, headers: header, body: data === undefined ? undefined : JSON.stringify(data), signal: abort.signal })
    const text = await res.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {
      // not JSON (a proxy's error page): the text
    }
    return { status: res.status, data: body }
  } catch (e) {
    if (abort.signal.aborted) throw new ApiError(0, 'timeout', `request timed out after ${REQUEST_TIMEOUT_MS} ms`)
    throw new ApiError(0, 'network', (e as Error).message || 'request failed')
  } finally {
    clearTimeout(timer)
  }
}

/** The response's body when 2xx, else a typed ApiError from the BFF's `{error: {code, message}}`. */
export function unwrap<T>(res: RawResponse): T {
  if (res.status >= 200 && res.status < 300) return res.data as T
  const body = (typeof res.data === 'object' && res.data !== null ? res.data : {}) as Partial<ApiErrorBody>
  const code = typeof body.error?.code === 'string' ? body.error.code : `http_${res.status}`
  const message = typeof body.error?.message === 'string' ? body.error.message : `请求失败 (${res.status})`
  throw new ApiError(res.status, code, message)
}
