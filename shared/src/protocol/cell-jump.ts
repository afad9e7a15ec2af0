import { appendQuery, assertHttpUrl, nonEmpty, readParams, type ParamsInput } from './query';

/**
 * Shelf cell jump (002 §14.2, and §7.2 note 3 "The shelf outer link jump protocol"): when a user
 * taps a merchant's after-sales cell on the order details page, WeChat opens the cell's url with
 * `order_id` and `openid` added as GET parameters. Used for online customer service (002 §13.3).
 */
export interface CellJump {
  /** The gift-card order, for `/card/giftcard/order/get`. */
  orderId: string;
  /** The user's openid under the merchant's Official Account. */
  openid: string;
}

export type CellJumpError = 'missing_order_id' | 'missing_openid';

export type CellJumpResult = { ok: true; jump: CellJump } | { ok: false; error: CellJumpError };

/**
 * What WeChat does to a cell url, for the sandbox and tests. The spec's example turns
 * "https://mp.weixin.qq.com" into "https://mp.weixin.qq.com/?order_id=…&openid=…": this jump adds
 * "/" for an empty path (the card-button jump in card-jump.ts does not; see there). An existing
 * query is kept and extended with "&"; a "#fragment" stays last.
 */
export function buildCellJumpUrl(merchantUrl: string, { orderId, openid }: CellJump): string {
  assertHttpUrl(merchantUrl, 'merchantUrl');
  if (!orderId) throw new RangeError('orderId must be a non-empty string');
  if (!openid) throw new RangeError('openid must be a non-empty string');
  return appendQuery(
    merchantUrl,
    [
      ['order_id', orderId],
      ['openid', openid],
    ],
    { rootPathIfEmpty: true },
  );
}

/** Reads a cell jump from the landing page's URL, its query string, or an options object. */
export function parseCellJump(input: ParamsInput): CellJumpResult {
  const params = readParams(input);
  const orderId = nonEmpty(params, 'order_id');
  if (orderId === undefined) return { ok: false, error: 'missing_order_id' };
  const openid = nonEmpty(params, 'openid');
  if (openid === undefined) return { ok: false, error: 'missing_openid' };
  return { ok: true, jump: { orderId, openid } };
}
