/**
 * WeChat error codes this project can meet: every code the spec names (003 §1.8), the ones the
 * contract requires the sandbox to answer, and the global codes of the credential endpoints.
 * Meanings are WeChat's, in English.
 */
export const WECHAT_ERROR_CODES = {
  [-1]: 'system busy; retry later',
  0: 'ok',
  40001: 'invalid credential: access_token is invalid or not the latest',
  40002: 'invalid grant_type',
  40005: 'invalid file type (media upload)',
  40009: 'invalid image size (media upload)',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40029: 'invalid js_code',
  40056: 'invalid code: the card code does not exist or does not belong to this card',
  40070: 'invalid sku stock in base_info (003 §1.8)',
  40073: 'invalid card_id',
  40079: 'invalid time: a time field is missing or wrong (003 §1.8)',
  /** WeChat's answer for a request that names something that does not exist or is in the wrong state;
   *  the errmsg says which (the spec names no finer code for these). */
  40097: 'invalid args',
  40099: 'invalid code: the card code has been consumed',
  40104: 'invalid category id for the sub-merchant (003 §1.8)',
  40125: 'invalid appsecret',
  40139: 'invalid sub-merchant id (003 §1.8)',
  40140: 'invalid sub-merchant status: under review or rejected (003 §1.8)',
  40163: 'js_code has been used',
  40164: 'caller IP is not in the whitelist',
  40226: 'high-risk user: login blocked',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41005: 'media data missing: no multipart file field (media upload)',
  42001: 'access_token expired',
  43014: 'no platform authorization to create sub-merchants (003 §1.8)',
  44002: 'empty post data',
  45009: 'API daily quota reached',
  45011: 'API calls too frequent',
  45021: 'a field is too long (003 §1.8)',
  47001: 'data format error: the body is not the JSON the API expects',
  48001: 'API unauthorized for this account',
  89503: 'this IP needs administrator confirmation',
} as const satisfies Record<number, string>;

export type WechatErrorCode = keyof typeof WECHAT_ERROR_CODES;

/** Codes on which a cached access token must be dropped and the call retried once. */
export const TOKEN_INVALID_CODES: readonly number[] = [40001, 40014, 42001];
/** "System busy": the only code worth retrying with backoff. */
export const SYSTEM_BUSY = -1;

export function describeWechatError(errcode: number): string {
  return (WECHAT_ERROR_CODES as Record<number, string>)[errcode] ?? 'unknown WeChat error';
}
