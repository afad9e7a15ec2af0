import { z } from 'zod';

/** `POST /api/cards/open`: the card-button jump's query (002 §14.1), as `onShow` receives it. */
export const openCardRequest = z
  .object({
    encrypt_code: z.string().min(1).max(512),
    card_id: z.string().min(1).max(64),
    /** The Service Account openid the jump carries; links the user only when WeChat confirms it holds the code. */
    openid: z.string().min(1).max(128).optional(),
    outer_str: z.string().max(128).optional(),
  })
  .strict();
export type OpenCardRequest = z.infer<typeof openCardRequest>;

export type CardStatus = 'NORMAL' | 'CONSUMED' | 'EXPIRE' | 'GIFTING' | 'GIFT_TIMEOUT' | 'DELETE' | 'UNAVAILABLE' | 'REMOVED';

/** A card the user holds. Money in fen, times Unix seconds (end_time null: no end). */
export interface Card {
  card_id: string;
  code: string;
  order_id: string;
  /** Balance in fen; null when WeChat no longer knows the code (refunded). */
  balance: number | null;
  status: CardStatus;
  can_consume: boolean;
  begin_time: number | null;
  end_time: number | null;
  background_pic_url: string | null;
}

/** `POST /api/cards/open` → the card. */
export type OpenCardResponse = Card;

/** `GET /api/cards`. */
export interface CardsResponse {
  cards: (Card & { price: number })[];
}
