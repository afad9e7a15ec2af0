import type { ShelfPageChange, ShelfPageUpdate } from '@giftcard/shared';
import type { WechatClient } from '../wechat';

export interface ShelfUpdateDeps {
  wechat: Pick<WechatClient, 'giftcard'>;
  /** need_receipt as the merchant last sent it (page/get does not answer it); undefined: never seen. */
  needReceipt: (pageId: string) => Promise<boolean | undefined>;
  /** Told of the update sent, as the merchant API's hook is for a single call (cache, need_receipt). */
  afterUpdate?: (request: { page: ShelfPageUpdate }, result: unknown) => Promise<void>;
}

/**
 * A change of some of a shelf's fields, safe whether WeChat merges a page update or replaces the
 * page with it: the shelf is read (§7.3), the change applied, and the whole page sent (§7.4, whose
 * table requires every field). need_receipt, which page/get does not answer, comes from what the
 * merchant last sent through this BFF.
 */
export async function updateShelf(deps: ShelfUpdateDeps, change: ShelfPageChange): Promise<{ ok: true }> {
  const { page_id, ...fields } = change;
  const { page: current } = await deps.wechat.giftcard.getPage({ page_id });
  const needReceipt = await deps.needReceipt(page_id);
  const page = { ...current, ...(needReceipt !== undefined && { need_receipt: needReceipt }), ...fields, page_id } as ShelfPageUpdate;
  const result = await deps.wechat.giftcard.updatePage({ page });
  await deps.afterUpdate?.({ page }, result);
  return { ok: true };
}
