import { appendQuery, assertHttpUrl, nonEmpty, readParams, type ParamsInput } from './query';

/**
 * Card button jump (002 §14.1): when a user taps a gift card's center_url, custom_url or
 * promotion_url, WeChat adds `encrypt_code`, `card_id`, `openid` (and `outer_str`) as GET
 * parameters; when the button opens the merchant's Mini Program instead, the same values arrive
 * in the page's `onShow` options. `encrypt_code` must be turned into the real code with
 * `/card/code/decrypt` before any balance call.
 */
export interface CardJump {
  /** Encrypted card code: base64-ish, may hold "+", "/", "=". Never use it as the code itself. */
  encryptCode: string;
  cardId: string;
  /** Always present on URL jumps; a Mini Program may get only encrypt_code and card_id. */
  openid?: string;
  /** The channel value, when the card was sold through a shelf link carrying one. */
  outerStr?: string;
}

export type CardJumpError = 'missing_encrypt_code' | 'missing_card_id';

export type CardJumpResult = { ok: true; jump: CardJump } | { ok: false; error: CardJumpError };

/**
 * What WeChat does to a card button url, for the sandbox and tests. The spec's example is
 * "http://www.qq.com" → "http://www.qq.com?encrypt_code=ENCRYPT_CODE&card_id=CARDID&openid=xxxx&outer_str=xxxxx":
 * unlike the shelf cell jump (002 §14.2, which yields "https://mp.weixin.qq.com/?…"), no "/" is
 * added for an empty path. The two jumps come from different WeChat components and the spec shows
 * each verbatim; both forms mean the same URL (RFC 3986 §6.2.3), and each builder reproduces its
 * own example exactly so the sandbox emits what WeChat emits. `outer_str` is left out when
 * not given. Values are percent-encoded (uppercase hex), so a "+" in encrypt_code travels as "%2B".
 */
export function buildCardJumpUrl(url: string, jump: CardJump & { openid: string }): string {
  assertHttpUrl(url);
  if (!jump.encryptCode) throw new RangeError('encryptCode must be a non-empty string');
  if (!jump.cardId) throw new RangeError('cardId must be a non-empty string');
  if (!jump.openid) throw new RangeError('openid must be a non-empty string');
  return appendQuery(url, [
    ['encrypt_code', jump.encryptCode],
    ['card_id', jump.cardId],
    ['openid', jump.openid],
    ['outer_str', jump.outerStr === '' ? undefined : jump.outerStr],
  ]);
}

/**
 * Reads a card jump from an H5 landing URL or query string, or from Mini Program `onShow` options.
 * Values are percent-decoded exactly once and "+" is never read as a space (see query.ts): a
 * base64 encrypt_code survives whether it arrives as "ab%2B%2F%3D" or as a raw "ab+/=".
 */
export function parseCardJump(input: ParamsInput): CardJumpResult {
  const params = readParams(input);
  const encryptCode = nonEmpty(params, 'encrypt_code');
  if (encryptCode === undefined) return { ok: false, error: 'missing_encrypt_code' };
  const cardId = nonEmpty(params, 'card_id');
  if (cardId === undefined) return { ok: false, error: 'missing_card_id' };
  const jump: CardJump = { encryptCode, cardId };
  const openid = nonEmpty(params, 'openid');
  if (openid !== undefined) jump.openid = openid;
  const outerStr = nonEmpty(params, 'outer_str');
  if (outerStr !== undefined) jump.outerStr = outerStr;
  return { ok: true, jump };
}
