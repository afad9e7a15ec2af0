import { SYSTEM_BUSY } from '@giftcard/shared';
import { HttpError } from '../http/errors';
import { WechatError } from '../wechat';

/** Errcodes that say "not now" (busy, quota, frequency): worth the user's retry, never "not found". */
const BUSY = new Set([SYSTEM_BUSY, 45009, 45011]);

/** A WeChat failure the user can retry: busy after the core's own retries, no answer in time, no connection. */
export function isTransientWechatFailure(e: unknown): e is WechatError {
  if (!(e instanceof WechatError)) return false;
  if (e.kind === 'api') return e.errcode !== null && BUSY.has(e.errcode);
  return e.kind === 'timeout' || e.kind === 'transport' || e.kind === 'invalid_response';
}

/**
 * How a WeChat failure the Mini Program API did not handle itself reaches the app (its one error
 * shape; the app words it for the consumer by `code`):
 *
 * | WechatError                              | status | code               |
 * |------------------------------------------|--------|--------------------|
 * | api -1 / 45009 / 45011 (busy, quota)     | 503    | wechat_busy        |
 * | timeout                                  | 504    | wechat_timeout     |
 * | transport, invalid_response, other api   | 502    | wechat_unavailable |
 *
 * WeChat's errcode and errmsg stay in the log, not in the answer.
 */
export function miniApiErrorOf(e: WechatError): HttpError {
  if (e.kind === 'api' && e.errcode !== null && BUSY.has(e.errcode)) return new HttpError(503, 'wechat_busy', 'WeChat is busy, retry shortly');
  if (e.kind === 'timeout') return new HttpError(504, 'wechat_timeout', 'WeChat did not answer in time, retry shortly');
  return new HttpError(502, 'wechat_unavailable', 'WeChat could not answer this request');
}
