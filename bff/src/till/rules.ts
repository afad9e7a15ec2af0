import { createHash } from 'node:crypto';
import { formatFen, type CodeInfo } from '@giftcard/shared';
import type { RedemptionRequest } from '@giftcard/shared/api';

/**
 * The till's pure rules: whether a card may be debited, what a request's body is for idempotency,
 * and what the holder's card bag shows for a change. No I/O.
 */

/** Why a card cannot be debited now; null when it can. */
export type Unusable = 'consumed' | 'expired' | 'not_yet_valid' | 'gifting' | 'unavailable' | 'refunded';

export const UNUSABLE_MESSAGE: Record<Unusable, string> = {
  consumed: 'the card has been consumed (核销) and cannot be used',
  expired: 'the card has expired',
  not_yet_valid: 'the card is not valid yet',
  gifting: 'the card is being given to a friend (GIFTING) and cannot be used until the gift is accepted or returned',
  unavailable: 'WeChat marks the card as not usable',
  refunded: 'the card was refunded and WeChat no longer knows its code',
};

/** A card may move money only when WeChat says NORMAL and `now` (Unix seconds) is within its validity. */
export function unusableReason(info: CodeInfo, now: number): Unusable | null {
  switch (info.user_card_status) {
    case 'NORMAL':
      break;
    case 'CONSUMED':
      return 'consumed';
    case 'EXPIRE':
      return 'expired';
    case 'GIFTING':
      return 'gifting';
    default:
      return 'unavailable';
  }
  if (now < info.card.begin_time) return 'not_yet_valid';
  if (info.card.end_time !== undefined && now > info.card.end_time) return 'expired';
  return null;
}

/**
 * What an idempotency key is bound to: the operation's own fields, canonically ordered, hashed.
 * The same key with another body is a conflict, however its JSON was spelled.
 */
export function fingerprint(fields: Record<string, string | number | null>): string {
  const canonical = Object.keys(fields)
    .sort()
    .map((k) => [k, fields[k]]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

export function debitFingerprint(req: RedemptionRequest): string {
  return fingerprint({ code: req.code, amount: req.amount, note: req.note ?? null });
}

/** WeChat's `record_balance` limit (002 §11.2): 14 characters. */
const RECORD_MAX = 14;

/**
 * The line the holder's card bag shows beside the new balance (002 §11.2 `record_balance`):
 * "消费¥12.00" or "退回¥12.00"; amounts too long for WeChat's 14 characters drop the grouping.
 */
export function balanceRecord(kind: 'debit' | 'reversal', amount: number): string {
  const verb = kind === 'debit' ? '消费' : '退回';
  const grouped = `${verb}${formatFen(amount)}`;
  if ([...grouped].length <= RECORD_MAX) return grouped;
  return `${verb}${formatFen(amount, { grouping: false })}`.slice(0, RECORD_MAX);
}
