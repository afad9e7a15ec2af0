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
  try {
    const res = await Taro.request({ url: `${bffOrigin}${path}`, method, data: data as never, header, dataType: 'json', timeout: REQUEST_TIMEOUT_MS })
    return { status: res.statusCode, data: res.data }
  } catch (e) {
    const message = (e as { errMsg?: string; message?: string }).errMsg ?? (e as Error).message ?? 'request failed'
    throw new ApiError(0, /timeout|timed out/i.test(message) ? 'timeout' : 'network', message)
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
