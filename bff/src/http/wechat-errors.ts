import type { z } from 'zod';
import { WechatError } from '../wechat/error';
import { classifyWechatFailure, type WechatFailure } from '../wechat/failure';
import { HttpError } from './errors';
import { invalidRequest } from './issues';

/**
 * How a WeChat failure no route handled itself is answered, the same in `/api`, `/admin` and `/pos`
 * (README "Errors"). The status and code follow the failure's class alone; only the wording differs
 * by who reads it (see `Audience`).
 *
 * | failure          | status | code                    |
 * |------------------|--------|-------------------------|
 * | invalid_request  | 400    | invalid_request         |
 * | not_found        | 404    | not_found               |
 * | conflict         | 409    | conflict                |
 * | rejected         | 422    | wechat_rejected         |
 * | forbidden        | 403    | wechat_forbidden        |
 * | busy             | 503    | wechat_busy (+ Retry-After) |
 * | failed           | 502    | wechat_error            |
 * | invalid_response | 502    | wechat_invalid_response |
 * | unreachable      | 502    | wechat_unreachable      |
 * | timeout          | 504    | wechat_timeout          |
 */
export const WECHAT_FAILURE_ANSWERS: Readonly<Record<WechatFailure, { status: number; code: string; consumerMessage: string }>> = {
  invalid_request: { status: 400, code: 'invalid_request', consumerMessage: 'the request breaks a limit of WeChat' },
  not_found: { status: 404, code: 'not_found', consumerMessage: 'WeChat knows no such thing' },
  conflict: { status: 409, code: 'conflict', consumerMessage: 'WeChat refused it in its current state' },
  rejected: { status: 422, code: 'wechat_rejected', consumerMessage: 'WeChat refused this request' },
  forbidden: { status: 403, code: 'wechat_forbidden', consumerMessage: 'WeChat does not allow this request' },
  busy: { status: 503, code: 'wechat_busy', consumerMessage: 'WeChat is busy, retry shortly' },
  failed: { status: 502, code: 'wechat_error', consumerMessage: 'WeChat could not answer this request' },
  invalid_response: { status: 502, code: 'wechat_invalid_response', consumerMessage: 'WeChat could not answer this request' },
  unreachable: { status: 502, code: 'wechat_unreachable', consumerMessage: 'WeChat could not be reached, retry shortly' },
  timeout: { status: 504, code: 'wechat_timeout', consumerMessage: 'WeChat did not answer in time, retry shortly' },
};

/** Seconds a busy answer asks the caller to wait (the request core already retried with backoff). */
const BUSY_RETRY_AFTER_S = 2;

/**
 * `merchant` (`/admin`, `/pos`): the merchant's own systems, told what WeChat said (`wechat:
 * {endpoint, errcode, errmsg}`, the spec issues of an invalid request). `consumer` (`/api`): the
 * Mini Program, which words the code itself; WeChat's endpoint and errmsg stay in the log.
 */
export type Audience = 'merchant' | 'consumer';

export function wechatHttpError(e: WechatError, audience: Audience): HttpError {
  const failure = classifyWechatFailure(e);
  const { status, code, consumerMessage } = WECHAT_FAILURE_ANSWERS[failure];
  let err: HttpError;
  if (audience === 'consumer') err = new HttpError(status, code, consumerMessage);
  else if (failure === 'invalid_request') err = invalidRequest(e.errmsg, e.details as z.core.$ZodIssue[] | undefined);
  else err = new HttpError(status, code, merchantMessage(e, failure), { wechat: { endpoint: e.endpoint, errcode: e.errcode, errmsg: e.errmsg } });
  if (failure === 'busy') err.headers = { 'Retry-After': String(BUSY_RETRY_AFTER_S) };
  return err;
}

function merchantMessage(e: WechatError, failure: WechatFailure): string {
  switch (failure) {
    case 'timeout':
      return `WeChat did not answer ${e.endpoint} in time; the outcome is unknown, check before retrying`;
    case 'unreachable':
      return `WeChat could not be reached for ${e.endpoint}: ${e.errmsg}`;
    case 'invalid_response':
      return `WeChat's answer to ${e.endpoint} does not match the spec: ${e.errmsg}`;
    default:
      return `WeChat refused ${e.endpoint}: ${e.meaning}${e.errmsg ? ` (${e.errmsg})` : ''}`;
  }
}

/**
 * The error boundary of a router: a WechatError becomes its answer for `audience`; anything else is
 * rethrown as it is (the app's error middleware answers it). Used where each router plugs in.
 */
export function asHttpError(e: unknown, audience: Audience): unknown {
  return e instanceof WechatError ? wechatHttpError(e, audience) : e;
}
