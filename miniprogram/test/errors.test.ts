import { ApiError } from '../src/services/http'
import { describeFailure, failureText } from '../src/services/errors'

const LATIN = /[A-Za-z]/

/** Every failure a consumer meets, from the BFF's code and status (bff/src/http/wechat-errors.ts) to Chinese copy. */
test.each([
  [new ApiError(503, 'wechat_busy', 'WeChat is busy, retry shortly'), 'busy', '系统繁忙', true],
  [new ApiError(504, 'wechat_timeout', 'WeChat did not answer in time'), 'timeout', '请求超时', true],
  [new ApiError(0, 'timeout', 'request:fail timeout'), 'timeout', '请求超时', true],
  [new ApiError(0, 'network', 'Failed to fetch'), 'network', '网络连接不可用', true],
  [new ApiError(502, 'wechat_unreachable', 'WeChat could not be reached'), 'unavailable', '服务暂时不可用', true],
  [new ApiError(502, 'wechat_error', 'WeChat could not answer this request'), 'unavailable', '服务暂时不可用', true],
  [new ApiError(403, 'wechat_forbidden', 'WeChat does not allow this request'), 'unavailable', '服务暂时不可用', true],
  [new ApiError(422, 'wechat_rejected', 'WeChat refused this request'), 'unknown', '出了点问题', true],
  [new ApiError(500, 'internal', 'internal error'), 'unknown', '出了点问题', true],
  [new ApiError(429, 'rate_limited', 'too many requests'), 'rate_limited', '操作太频繁', true],
  [new ApiError(409, 'invoice_not_offered', 'this order offers no invoice'), 'not_offered', '该订单不支持开具发票', false],
  [new ApiError(409, 'refund_refused', 'not refundable'), 'unknown', '出了点问题', true],
  [new ApiError(404, 'not_found', 'no such card'), 'not_found', '没有找到相关内容', false],
  [new ApiError(410, 'given_away', 'the card was given to a friend'), 'given_away', '这张礼品卡已赠送给朋友', false],
  [new ApiError(400, 'invalid_request', 'email: Invalid email'), 'invalid', '填写的信息有误', false],
  [new ApiError(401, 'unauthorized', 'bad token'), 'session', '登录已失效', true],
  [new Error('Cannot read properties of undefined'), 'unknown', '出了点问题', true],
])('%s → %s', (error, kind, title, retry) => {
  const copy = describeFailure(error)
  expect(copy).toMatchObject({ kind, title, retry })
  expect(`${copy.title}${copy.hint}`).not.toMatch(LATIN)
  expect(failureText(error)).toBe(`${copy.title}，${copy.hint}`)
})

test('the code decides before the status: a 429 is never 微信正忙, a 409 never 填写的信息有误', () => {
  expect(failureText(new ApiError(429, 'rate_limited', 'x'))).toBe('操作太频繁，请稍后再试')
  expect(failureText(new ApiError(429, 'rate_limited', 'x'))).not.toContain('微信')
  expect(describeFailure(new ApiError(503, 'rate_limited', 'x')).kind).toBe('rate_limited')
  expect(describeFailure(new ApiError(400, 'given_away', 'x')).kind).toBe('given_away')
  expect(failureText(new ApiError(409, 'invoice_not_offered', 'x'))).not.toContain('填写的信息有误')
})
