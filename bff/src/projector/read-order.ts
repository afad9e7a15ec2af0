import type { CodeInfo, GiftCardOrder } from '@giftcard/shared';
import pMap from 'p-map';
import { isNotFound, type WechatClient } from '../wechat';
import type { CodeLookup } from './mapping';

/** code/get calls of one order in flight at once. */
export const CODE_LOOKUP_CONCURRENCY = 8;

/**
 * An order as WeChat says it is now: order/get, then code/get of each of its cards (consumed codes
 * answered too). A code WeChat no longer knows is `found: false` (it left the card pack: a refund).
 * WeChat's failures are thrown as they are, order/get's "no such order" included.
 */
export async function readOrder(client: WechatClient, orderId: string): Promise<{ order: GiftCardOrder; lookups: CodeLookup[] }> {
  const { order } = await client.order.getOrder({ order_id: orderId });
  const lookups = await pMap(order.card_list, (c) => lookupCode(client, c.code, c.card_id), { concurrency: CODE_LOOKUP_CONCURRENCY });
  return { order, lookups };
}

/** code/get with consumed codes answered (check_consume false); not found: unknown, or removed by a refund. */
export async function lookupCode(client: WechatClient, code: string, cardId?: string): Promise<CodeLookup> {
  try {
    const info: CodeInfo = await client.code.getCode({ code, ...(cardId !== undefined && { card_id: cardId }), check_consume: false });
    return { found: true, info };
  } catch (e) {
    if (isNotFound(e)) return { found: false };
    throw e;
  }
}
