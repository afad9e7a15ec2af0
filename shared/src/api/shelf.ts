import { z } from 'zod';
import type { ShelfPage } from '../wechat';

export const shelfParams = z.object({ pageId: z.string().trim().min(1).max(128) });

/** `GET /api/shelves/:pageId`: the shelf as `/card/giftcard/page/get` answers it (WeChat's field names). */
export interface ShelfResponse {
  page_id: string;
  page: ShelfPage;
  /**
   * Price in fen of each card on the shelf that the BFF knows (the merchant created it through the
   * BFF's `/admin/cards`): `page/get` (002 §7.3) carries no price. A card missing here has no known price.
   */
  prices: Record<string, number>;
  /**
   * False when the merchant took the shelf off sale with `/card/giftcard/maintain/set` (002 §7.6), one
   * shelf or all of them; page/get does not say it, so the BFF keeps what the merchant's last call answered.
   */
  on_sale: boolean;
}

/**
 * `GET /api/shelf`: the shelf bound to this Mini Program by the merchant's `wxa/set`, answered whole
 * (what `GET /api/shelves/:pageId` answers), so the first page needs one call.
 */
export interface BoundShelfResponse extends ShelfResponse {
  wxa_appid: string;
}
