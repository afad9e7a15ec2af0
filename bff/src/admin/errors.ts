import type { z } from 'zod';
import { HttpError } from '../http/errors';
import type { WechatError } from '../wechat';

/**
 * How a failed WeChat call reaches the merchant API's caller (one error shape,
 * `{error: {code, message, …}}`; WeChat's own errcode/errmsg under `wechat`):
 *
 * | WechatError                                    | status | code              |
 * |------------------------------------------------|--------|-------------------|
 * | invalid_request (our schema; WeChat not called) | 400    | invalid_request (+ `issues`) |
 * | api 40056 / 40073 / 40139 (no such code, card, sub-merchant) | 404 | not_found |
 * | api 40099 / 40140 (code consumed, sub-merchant not approved) | 409 | conflict |
 * | api 40097 40070 40079 40104 45021 44002 47001 (WeChat refused the arguments or the state; errmsg says which) | 422 | wechat_rejected |
 * | api 43014 / 48001 (no authorization for this API) | 403  | wechat_forbidden  |
 * | api -1 / 45009 / 45011 (busy, quota, rate)     | 503    | wechat_busy       |
 * | api, any other errcode (credentials …)         | 502    | wechat_error      |
 * | invalid_response (errcode 0, body off-spec)    | 502    | wechat_invalid_response |
 * | transport (no connection, not JSON)            | 502    | wechat_unreachable |
 * | timeout                                        | 504    | wechat_timeout    |
 *
 * 40097 ("invalid args") is WeChat's answer both for an unknown id and for a wrong state (an order
 * refunded already), so it cannot be told apart as 404 or 409: it is 422 with WeChat's errmsg.
 */
const BY_ERRCODE: Record<number, [number, string]> = {
  40056: [404, 'not_found'],
  40073: [404, 'not_found'],
  40139: [404, 'not_found'],
  40099: [409, 'conflict'],
  40140: [409, 'conflict'],
  40097: [422, 'wechat_rejected'],
  40005: [422, 'wechat_rejected'],
  40009: [422, 'wechat_rejected'],
  41005: [422, 'wechat_rejected'],
  40070: [422, 'wechat_rejected'],
  40079: [422, 'wechat_rejected'],
  40104: [422, 'wechat_rejected'],
  45021: [422, 'wechat_rejected'],
  44002: [422, 'wechat_rejected'],
  47001: [422, 'wechat_rejected'],
  43014: [403, 'wechat_forbidden'],
  48001: [403, 'wechat_forbidden'],
  [-1]: [503, 'wechat_busy'],
  45009: [503, 'wechat_busy'],
  45011: [503, 'wechat_busy'],
};

/** A zod issue as the API shows it: where, what, and zod's code. */
export interface ApiIssue {
  path: string;
  message: string;
  code: string;
}

export function apiIssues(issues: readonly z.core.$ZodIssue[] | undefined): ApiIssue[] {
  return (issues ?? []).map((i) => ({ path: i.path.map(String).join('.'), message: i.message, code: i.code }));
}

/** 400 for input that breaks the spec's limits, before WeChat is called. */
export function invalidRequest(message: string, issues: readonly z.core.$ZodIssue[] | undefined): HttpError {
  return new HttpError(400, 'invalid_request', message, { issues: apiIssues(issues) });
}

export function httpErrorOf(e: WechatError): HttpError {
  const wechat = { endpoint: e.endpoint, errcode: e.errcode, errmsg: e.errmsg };
  switch (e.kind) {
    case 'invalid_request':
      return invalidRequest(e.errmsg, e.details as z.core.$ZodIssue[] | undefined);
    case 'timeout':
      return new HttpError(504, 'wechat_timeout', `WeChat did not answer ${e.endpoint} in time; the outcome is unknown, check before retrying`, { wechat });
    case 'transport':
      return new HttpError(502, 'wechat_unreachable', `WeChat could not be reached for ${e.endpoint}: ${e.errmsg}`, { wechat });
    case 'invalid_response':
      return new HttpError(502, 'wechat_invalid_response', `WeChat's answer to ${e.endpoint} does not match the spec: ${e.errmsg}`, { wechat });
    case 'api': {
      const [status, code] = BY_ERRCODE[e.errcode ?? 0] ?? [502, 'wechat_error'];
      return new HttpError(status, code, `WeChat refused ${e.endpoint}: ${e.meaning}${e.errmsg ? ` (${e.errmsg})` : ''}`, { wechat });
    }
  }
}
