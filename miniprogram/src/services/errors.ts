import { ApiError } from './http'

/**
 * Every failure a consumer can meet, worded once, in Chinese, with whether trying again can help.
 * The BFF's messages are for developers (English, ids) and are never shown; the BFF's stable `code`
 * and HTTP status decide (bff/src/http/wechat-errors.ts, http/errors.ts).
 */
export type FailureKind =
  | 'network'
  | 'busy'
  | 'rate_limited'
  | 'timeout'
  | 'unavailable'
  | 'session'
  | 'not_found'
  | 'given_away'
  | 'not_offered'
  | 'invalid'
  | 'unknown'

export interface FailureCopy {
  kind: FailureKind
  /** One short line: what happened. */
  title: string
  /** What the consumer can do about it. */
  hint: string
  /** Whether 重试 can help (busy, timeouts, the network); otherwise the page offers a way elsewhere. */
  retry: boolean
}

const COPY: Record<FailureKind, Omit<FailureCopy, 'kind'>> = {
  network: { title: '网络连接不可用', hint: '请检查手机网络后重试', retry: true },
  busy: { title: '系统繁忙', hint: '微信正忙，请稍后重试', retry: true },
  rate_limited: { title: '操作太频繁', hint: '请稍后再试', retry: true },
  timeout: { title: '请求超时', hint: '微信暂未响应，请稍后重试', retry: true },
  unavailable: { title: '服务暂时不可用', hint: '请稍后重试', retry: true },
  session: { title: '登录已失效', hint: '请重试，或关闭后重新打开小程序', retry: true },
  not_found: { title: '没有找到相关内容', hint: '内容可能已失效，或不属于当前微信账号', retry: false },
  given_away: { title: '这张礼品卡已赠送给朋友', hint: '朋友领取后，礼品卡由朋友使用；赠送记录可在订单中查看', retry: false },
  not_offered: { title: '该订单不支持开具发票', hint: '如有需要请联系商家', retry: false },
  invalid: { title: '填写的信息有误', hint: '请检查后重新提交', retry: false },
  unknown: { title: '出了点问题', hint: '请稍后重试', retry: true },
}

/** The BFF's stable codes; they decide before the HTTP status (a 429 or 409 says little by itself). */
const BY_CODE: Record<string, FailureKind> = {
  given_away: 'given_away',
  wechat_busy: 'busy',
  rate_limited: 'rate_limited',
  wechat_timeout: 'timeout',
  wechat_unreachable: 'unavailable',
  wechat_error: 'unavailable',
  wechat_invalid_response: 'unavailable',
  // WeChat refusing the merchant's account or the call is nothing the consumer can fix: never 登录已失效
  // (what a bare 403 means) nor 填写的信息有误 (a bare 422).
  wechat_forbidden: 'unavailable',
  wechat_rejected: 'unknown',
  invoice_not_offered: 'not_offered',
  not_found: 'not_found',
  invalid_request: 'invalid',
  internal: 'unknown',
}

export function failureKind(error: unknown): FailureKind {
  if (!(error instanceof ApiError)) return 'unknown'
  if (error.status === 0) return error.code === 'timeout' ? 'timeout' : 'network'
  const byCode = Object.prototype.hasOwnProperty.call(BY_CODE, error.code) ? BY_CODE[error.code] : undefined
  if (byCode) return byCode
  if (error.status === 410) return 'given_away'
  if (error.status === 429) return 'rate_limited'
  if (error.status === 503) return 'busy'
  if (error.status === 504) return 'timeout'
  if (error.status === 401 || error.status === 403) return 'session'
  if (error.status === 404) return 'not_found'
  if (error.status === 400 || error.status === 422) return 'invalid'
  if (error.status >= 500) return 'unavailable'
  return 'unknown'
}

/** What to tell a consumer about this failure. */
export function describeFailure(error: unknown): FailureCopy {
  const kind = failureKind(error)
  return { kind, ...COPY[kind] }
}

/** The failure in one line (inline notes, toasts): "系统繁忙，微信正忙，请稍后重试". */
export function failureText(error: unknown): string {
  const { title, hint } = describeFailure(error)
  return `${title}，${hint}`
}
