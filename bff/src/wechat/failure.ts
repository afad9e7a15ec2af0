import { SYSTEM_BUSY } from '@giftcard/shared';
import { WechatError } from './error';

/**
 * What a failed WeChat call means, whoever called it: the one classification the error boundaries
 * (`http/wechat-errors.ts`) and the landing pages answer from, and what a service asks before it
 * decides something finer (a code/get not-found the till saw before is a refund). No other file
 * compares errcodes for these meanings.
 */
export type WechatFailure =
  /** Our own request broke the spec's limits; WeChat was not called. */
  | 'invalid_request'
  /** The endpoint's own "no such thing" codes (its table entry's `notFound`). */
  | 'not_found'
  /** The thing is in a state that forbids the call: a consumed code, a sub-merchant not approved. */
  | 'conflict'
  /** WeChat refused the arguments or the state; its errmsg says which. */
  | 'rejected'
  /** The account has no authorization for this API. */
  | 'forbidden'
  /** Busy, quota, rate: "not now", after the request core's own retries. */
  | 'busy'
  /** Any other errcode (credentials, IP whitelist …): our setup, not the caller's request. */
  | 'failed'
  /** errcode 0 with a body off the spec. */
  | 'invalid_response'
  /** No connection, a reset, an answer that is not WeChat's JSON. */
  | 'unreachable'
  /** No answer in time: the outcome is unknown. */
  | 'timeout';

/** Errcodes with one meaning on every endpoint (not-found codes are the endpoint's, never here). */
const BY_ERRCODE: Readonly<Record<number, WechatFailure>> = {
  [SYSTEM_BUSY]: 'busy',
  45009: 'busy',
  45011: 'busy',
  40099: 'conflict',
  40140: 'conflict',
  43014: 'forbidden',
  48001: 'forbidden',
  // Refused arguments or state. 40056/40073/40139 land here where the endpoint does not declare
  // them not-found (WeChat refused an id it was given, not the thing asked for).
  40097: 'rejected',
  40005: 'rejected',
  40009: 'rejected',
  41005: 'rejected',
  40056: 'rejected',
  40070: 'rejected',
  40073: 'rejected',
  40079: 'rejected',
  40104: 'rejected',
  40139: 'rejected',
  45021: 'rejected',
  44002: 'rejected',
  47001: 'rejected',
};

export function classifyWechatFailure(e: WechatError): WechatFailure {
  switch (e.kind) {
    case 'invalid_request':
    case 'invalid_response':
    case 'timeout':
      return e.kind;
    case 'transport':
      return 'unreachable';
    case 'api':
      if (declaresNotFound(e)) return 'not_found';
      return (e.errcode !== null && BY_ERRCODE[e.errcode]) || 'failed';
  }
}

/** Whether WeChat said the thing asked for does not exist, as the failed endpoint's table entry declares. */
export function isNotFound(e: unknown): e is WechatError {
  return e instanceof WechatError && declaresNotFound(e);
}

function declaresNotFound(e: WechatError): boolean {
  return e.kind === 'api' && e.errcode !== null && e.notFoundCodes.includes(e.errcode);
}

/** Failures where asking again may help (and where a change may or may not have been applied). */
const TRANSIENT: ReadonlySet<WechatFailure> = new Set(['busy', 'timeout', 'unreachable', 'invalid_response']);

/** A WeChat failure worth the caller's retry: busy, no answer in time, no connection, an off-spec answer. */
export function isTransientWechatFailure(e: unknown): e is WechatError {
  return e instanceof WechatError && TRANSIENT.has(classifyWechatFailure(e));
}

/** The classification of `e` when it is a WechatError, else null (not WeChat's: the caller rethrows it). */
export function wechatFailureOf(e: unknown): WechatFailure | null {
  return e instanceof WechatError ? classifyWechatFailure(e) : null;
}
