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

/** WeChat's user_card_status, or REMOVED: WeChat no longer knows the code because its order was refunded. */
export type CardStatus = 'NORMAL' | 'CONSUMED' | 'EXPIRE' | 'GIFTING' | 'GIFT_TIMEOUT' | 'DELETE' | 'UNAVAILABLE' | 'REMOVED';

/**
 * What the merchant set when creating the card (`/card/create` base_info, recorded by the BFF's
 * merchant API): null for a card created elsewhere.
 */
export interface CardDefinitionInfo {
  /** base_info.title, e.g. "¥50 心意礼品卡". */
  title: string | null;
  /** base_info.notice: the usage notice, e.g. "结账时出示卡券". */
  notice: string | null;
  /** base_info.description: the usage instructions (may hold line breaks). */
  description: string | null;
}

/** A card the user holds. Money in fen, times Unix seconds (end_time null: no end). */
export interface Card extends CardDefinitionInfo {
  card_id: string;
  code: string;
  order_id: string;
  /** Balance in fen; null when WeChat no longer knows the code (refunded). */
  balance: number | null;
  /** The face value (what the buyer paid for it), in fen; null when not known. */
  face_value: number | null;
  status: CardStatus;
  can_consume: boolean;
  begin_time: number | null;
  end_time: number | null;
  background_pic_url: string | null;
  /** Given to a friend who did not accept it within 24 hours: it came back to this holder (002 §10.4). */
  gift_returned: boolean;
}

/** `POST /api/cards/open` → the card. */
export type OpenCardResponse = Card;

/** `GET /api/cards`: every card the user holds, refunded ones included (status REMOVED, balance null). */
export interface CardsResponse {
  cards: (Card & { price: number })[];
}

export const cardParams = z.object({ code: z.string().trim().min(1).max(64) });

/** One line of a card's spending history, from the till's ledger. Money in fen, times Unix seconds. */
export interface CardHistoryEntry {
  id: string;
  /** `debit`: spent at the till; `reversal`: a debit given back. */
  kind: 'debit' | 'reversal';
  /** Always positive: what was spent, or what came back. */
  amount: number;
  balance_after: number;
  created_at: number;
  /** The till's note for a debit (e.g. the receipt number); null when none. */
  note: string | null;
  /** For a debit that was later reversed: when. */
  reversed_at: number | null;
}

/** `GET /api/cards/:code/history`: the holder's own card only (another user's code is 404), newest first. */
export interface CardHistoryResponse {
  history: CardHistoryEntry[];
}
