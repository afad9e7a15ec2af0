import { describeWechatError } from '@giftcard/shared';

export type WechatErrorKind =
  /** WeChat answered with a non-zero errcode. */
  | 'api'
  /** No answer within the timeout. */
  | 'timeout'
  /** The connection failed or the answer was not JSON / not HTTP 200. */
  | 'transport'
  /** WeChat answered errcode 0 but the body does not match the endpoint's schema. */
  | 'invalid_response'
  /** Our own request broke the spec's limits; WeChat was not called. */
  | 'invalid_request';

/**
 * Every failure of a WeChat call. `errcode`/`errmsg` are WeChat's for `api`; for failures that
 * never reached WeChat's logic, errcode is null and errmsg says what happened. `notFoundCodes` are
 * the endpoint's own "no such thing" codes (its table entry's `notFound`), carried so that whoever
 * catches the error can tell not-found without knowing which endpoint failed (wechat/failure.ts).
 */
export class WechatError extends Error {
  override readonly name = 'WechatError';
  constructor(
    readonly kind: WechatErrorKind,
    readonly endpoint: string,
    readonly errcode: number | null,
    readonly errmsg: string,
    readonly details?: unknown,
    readonly notFoundCodes: readonly number[] = [],
  ) {
    super(`${endpoint}: ${errcode === null ? kind : `errcode ${errcode}`} ${errmsg}`);
  }

  /** The meaning of the errcode in our catalogue (WeChat's errmsg is often terse). */
  get meaning(): string {
    return this.errcode === null ? this.errmsg : describeWechatError(this.errcode);
  }
}

export function isWechatError(e: unknown, errcode?: number): e is WechatError {
  return e instanceof WechatError && (errcode === undefined || e.errcode === errcode);
}
