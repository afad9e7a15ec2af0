import { buildCellJumpUrl, isHttpUrl, type ShelfPage } from '@giftcard/shared';
import type { AfterSalesLink } from '@giftcard/shared/api';

/**
 * The order's after-sales links (no I/O): the shelf's `cell_1` and `cell_2`, each url with the order id and
 * the buyer's Service Account openid added, as WeChat adds them when the buyer taps a cell on its own order
 * page (002 §14.2). The openid is the buyer's own, already in the card jumps their client receives; a cell
 * whose url is not http(s) is left out rather than handed to the client to open.
 */
export function afterSalesLinks(page: Pick<ShelfPage, 'cell_1' | 'cell_2'>, orderId: string, buyerOpenid: string): AfterSalesLink[] {
  const links: AfterSalesLink[] = [];
  for (const cell of [page.cell_1, page.cell_2]) {
    // A url WeChat could not open either (javascript:, weixin:// …) is not handed to the client.
    if (cell && isHttpUrl(cell.url)) links.push({ title: cell.title, url: buildCellJumpUrl(cell.url, { orderId, openid: buyerOpenid }) });
  }
  return links;
}
