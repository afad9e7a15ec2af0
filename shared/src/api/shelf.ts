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
}

/** `GET /api/shelf`: the shelf bound to this Mini Program by the merchant's `wxa/set`. */
export interface BoundShelfResponse {
  wxa_appid: string;
  page_id: string;
}
