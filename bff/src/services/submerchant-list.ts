import { submerchantStatus, type RequestOf, type ResponseOf, type SubmerchantInfo, type submerchantEndpoints } from '@giftcard/shared';
import { z } from 'zod';

/** `client.submerchant.batchGet` (003 §1.6). */
export type BatchGetSubmerchants = (
  request: RequestOf<typeof submerchantEndpoints.batchGet>,
) => Promise<Pick<ResponseOf<typeof submerchantEndpoints.batchGet>, 'info_list' | 'next_begin_id'>>;

export const submerchantListRequest = z.object({ status: submerchantStatus.optional() });
export type SubmerchantListRequest = z.input<typeof submerchantListRequest>;

/**
 * Every sub-merchant, following `next_begin_id` (the last id of each page, 003 §1.6) until a page
 * comes back empty. Stops as well if WeChat's cursor does not move forward, so a misbehaving
 * answer cannot loop forever; a sub-merchant met twice is listed once.
 */
export async function listAllSubmerchants(
  batchGet: BatchGetSubmerchants,
  request: SubmerchantListRequest = {},
  pageSize = 100,
): Promise<{ info_list: SubmerchantInfo[]; pages: number }> {
  const { status } = submerchantListRequest.parse(request);
  const byId = new Map<number, SubmerchantInfo>();
  let beginId = 0;
  let pages = 0;
  for (;;) {
    const page = await batchGet({ begin_id: beginId, limit: pageSize, ...(status && { status }) });
    pages++;
    for (const info of page.info_list) if (!byId.has(info.merchant_id)) byId.set(info.merchant_id, info);
    if (page.info_list.length === 0 || page.next_begin_id <= beginId) break;
    beginId = page.next_begin_id;
  }
  return { info_list: [...byId.values()], pages };
}
