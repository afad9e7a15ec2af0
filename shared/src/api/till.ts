import { z } from 'zod';
import type { CardStatus } from './cards';

/**
 * The till (`/pos`, CONTRACT.md "Redemption (the till)"): a cashier's terminal previews a card,
 * debits it exactly once per idempotency key, reverses a debit once, and lists a card's history.
 * Amounts are integer fen, times Unix seconds.
 */

export const idempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '1–64 of A–Z a–z 0–9 _ -');

/** A card's code as WeChat issues it (002 §11.4: at most 64 characters). */
export const tillCode = z.string().trim().min(1).max(64);

export const redemptionRequest = z
  .object({
    code: tillCode,
    amount: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    idempotency_key: idempotencyKey,
    /** The till's own reference (receipt number …), shown in the history. */
    note: z.string().max(64).optional(),
  })
  .strict();
export type RedemptionRequest = z.infer<typeof redemptionRequest>;

export const reversalRequest = z.object({ idempotency_key: idempotencyKey }).strict();
export type ReversalRequest = z.infer<typeof reversalRequest>;

export const redemptionsQuery = z.object({ code: tillCode }).strict();

/** `GET /pos/cards/:code`: read live from WeChat, never the holder's openid. */
export interface TillCard {
  code: string;
  card_id: string;
  /** The card's title as the merchant created it through the BFF; null when not known. */
  title: string | null;
  balance: number;
  /** WeChat's user_card_status. */
  status: CardStatus;
  begin_time: number;
  /** null: valid permanently. */
  end_time: number | null;
}

export interface Redemption {
  id: string;
  code: string;
  card_id: string;
  amount: number;
  balance_before: number;
  balance_after: number;
  terminal_id: string;
  note: string | null;
  created_at: number;
  /** When it was reversed; null while it stands. */
  reversed_at: number | null;
}

export interface Reversal {
  id: string;
  redemption_id: string;
  amount: number;
  balance_after: number;
  created_at: number;
}

export interface TerminalInfo {
  id: string;
  name: string;
  created_at: number;
}

/** Error codes of the till (`{error:{code, message}}`). */
export type TillErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'not_found'
  | 'idempotency_conflict'
  | 'insufficient_balance'
  | 'card_unusable'
  | 'already_reversed'
  | 'outcome_unknown'
  | 'busy'
  | 'wechat_error';
