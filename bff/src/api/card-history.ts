import type { CardHistoryEntry } from '@giftcard/shared/api';
import type { StoredRedemption } from '../till/store';

/**
 * A card's spending history as its holder sees it: each debit, and each reversal as a line of its
 * own, newest first. Which till did it stays the merchant's business.
 */
export function historyOf(redemptions: readonly StoredRedemption[]): CardHistoryEntry[] {
  const lines: (CardHistoryEntry & { at_ms: number })[] = [];
  for (const r of redemptions) {
    lines.push({ id: r.id, kind: 'debit', amount: r.amount, balance_after: r.balance_after, created_at: r.created_at, note: r.note, reversed_at: r.reversed_at, at_ms: r.created_ms });
    if (r.reversal) {
      const v = r.reversal;
      lines.push({ id: v.id, kind: 'reversal', amount: v.amount, balance_after: v.balance_after, created_at: v.created_at, note: null, reversed_at: null, at_ms: v.created_ms });
    }
  }
  return lines.sort((a, b) => b.at_ms - a.at_ms).map(({ at_ms: _at, ...line }) => line);
}
