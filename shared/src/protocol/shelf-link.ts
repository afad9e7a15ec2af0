import { appendQuery, nonEmpty, parseQuery, splitUrl } from './query';

/**
 * The link that opens a gift-card shelf's homepage (002 §7.2 "Note": 1. Shelf Link Splice Rules,
 * 2. Statistics on channels):
 *
 *   https://mp.weixin.qq.com/bizmall/giftcard?action=homepage&page_id=<UrlEncode(page_id)>[&outer_str=…]#wechat_redirect
 */
export const SHELF_LINK_BASE = 'https://mp.weixin.qq.com/bizmall/giftcard';
const FRAGMENT = 'wechat_redirect';

export interface ShelfLink {
  /** The shelf id from `/card/giftcard/page/add`, e.g. "abcedfghifk=+Uasdaseq14fadkf8123h4jk". */
  pageId: string;
  /**
   * Channel value (002 §7.2 note 2): it flows through the purchase and comes back as `outer_str`
   * in the order query API and the `giftcard_pay_done` event. The spec states no length or
   * character limit for it, so none is invented here: any non-empty string is encoded.
   */
  outerStr?: string;
}

/**
 * Builds the shelf link exactly as the spec's example writes it. The spec's UrlEncode output uses
 * lowercase hex ("abcedfghifk%3d%2bUasdaseq14fadkf8123h4jk"), so escapes are lowercased here to
 * match it byte for byte; "%3d" and "%3D" are equivalent (RFC 3986 §2.1, §6.2.2.1).
 * Throws RangeError for an empty pageId or an empty (but given) outerStr.
 */
export function buildShelfLink({ pageId, outerStr }: ShelfLink): string {
  if (typeof pageId !== 'string' || pageId === '') throw new RangeError('pageId must be a non-empty string');
  if (outerStr !== undefined && (typeof outerStr !== 'string' || outerStr === '')) {
    throw new RangeError('outerStr must be a non-empty string when given (omit it for no channel)');
  }
  return appendQuery(
    `${SHELF_LINK_BASE}#${FRAGMENT}`,
    [
      ['action', 'homepage'],
      ['page_id', pageId],
      ['outer_str', outerStr],
    ],
    { lowerHex: true },
  );
}

/**
 * Reads a shelf link back; null when it is not one (other origin/path, action ≠ homepage, no
 * page_id). Escapes of either hex case are accepted, and a missing "#wechat_redirect" is tolerated.
 */
export function parseShelfLink(url: string): ShelfLink | null {
  if (typeof url !== 'string') return null;
  const { head, query } = splitUrl(url.trim());
  if (head !== SHELF_LINK_BASE || query === undefined) return null;
  const params = parseQuery(query);
  const pageId = nonEmpty(params, 'page_id');
  if (params['action'] !== 'homepage' || pageId === undefined) return null;
  const outerStr = nonEmpty(params, 'outer_str');
  return outerStr === undefined ? { pageId } : { pageId, outerStr };
}
