import type { Redemption, Reversal } from '@giftcard/shared/api';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';

/** What an idempotency key answered: replayed as is (a 201 replays as 200). Kept 30 days. */
export interface StoredAnswer {
  fingerprint: string;
  status: number;
  body: unknown;
}

const ANSWER_TTL_S = 30 * 24 * 3600;

/**
 * A balance change sent to WeChat (or about to be) whose outcome is not settled yet. It is written
 * before the call and removed only once the outcome is known, so a lost answer, a crash or a
 * timeout leaves it behind for the next holder of the code's lock to settle by re-reading the
 * balance: `balance_after` means it happened, `balance_before` that it did not.
 */
export interface PendingChange {
  op: 'debit' | 'reversal';
  terminal_id: string;
  idempotency_key: string;
  fingerprint: string;
  code: string;
  card_id: string;
  amount: number;
  balance_before: number;
  balance_after: number;
  note: string | null;
  /** Unix seconds, and ms for ordering. */
  created_at: number;
  created_ms: number;
  /** When it was sent to WeChat (ms). */
  sent_ms?: number;
  /** The debit this change creates, or (reversal) gives back. */
  redemption_id: string;
  /** The reversal this change creates. */
  reversal_id?: string;
}

/** A debit as stored: with its reversal once reversed. */
export interface StoredRedemption extends Redemption {
  created_ms: number;
  reversal: (Reversal & { terminal_id: string; created_ms: number }) | null;
}

/**
 * The till's records in Redis: answers per idempotency key, the pending change per code, the
 * redemptions, each code's history, and the ledger stream. `settle` writes a change's every
 * record in one MULTI, so the ledger never holds a change whose answer was not recorded, or the
 * reverse. All keys of one change share the prefix's hash tag on a cluster.
 */
export class TillStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async answer(idemKey: string): Promise<StoredAnswer | null> {
    return parse<StoredAnswer>(await this.redis.get(idemKey));
  }

  /** Records a refusal (or any answer that moved no money) for the key's replays. */
  async recordAnswer(idemKey: string, answer: StoredAnswer): Promise<void> {
    await this.redis.set(idemKey, JSON.stringify(answer), 'EX', ANSWER_TTL_S);
  }

  async pending(code: string): Promise<PendingChange | null> {
    return parse<PendingChange>(await this.redis.get(this.keys.tillPending(code)));
  }

  async setPending(change: PendingChange): Promise<void> {
    await this.redis.set(this.keys.tillPending(change.code), JSON.stringify(change));
  }

  async clearPending(code: string): Promise<void> {
    await this.redis.del(this.keys.tillPending(code));
  }

  async redemption(id: string): Promise<StoredRedemption | null> {
    return parse<StoredRedemption>(await this.redis.get(this.keys.tillRedemption(id)));
  }

  /** The code's redemptions, newest first. */
  async redemptionsOf(code: string, limit = 200): Promise<StoredRedemption[]> {
    const ids = await this.redis.zrevrange(this.keys.tillCodeRedemptions(code), 0, limit - 1);
    if (ids.length === 0) return [];
    const values = await this.redis.mget(...ids.map((id) => this.keys.tillRedemption(id)));
    return values.flatMap((v) => (v === null ? [] : [JSON.parse(v) as StoredRedemption]));
  }

  /**
   * The change happened in WeChat: its redemption (or reversal), the code's history, the ledger
   * entry and the idempotency answer are written together, and the pending change removed.
   */
  async settle(change: PendingChange, answer: (r: StoredRedemption) => StoredAnswer): Promise<StoredRedemption> {
    const { keys } = this;
    let redemption: StoredRedemption;
    if (change.op === 'debit') {
      redemption = {
        id: change.redemption_id,
        code: change.code,
        card_id: change.card_id,
        amount: change.amount,
        balance_before: change.balance_before,
        balance_after: change.balance_after,
        terminal_id: change.terminal_id,
        note: change.note,
        created_at: change.created_at,
        created_ms: change.created_ms,
        reversed_at: null,
        reversal: null,
      };
    } else {
      const debit = await this.redemption(change.redemption_id);
      if (!debit) throw new Error(`reversal of unknown redemption ${change.redemption_id}`);
      redemption = {
        ...debit,
        reversed_at: change.created_at,
        reversal: {
          id: change.reversal_id!,
          redemption_id: debit.id,
          amount: change.amount,
          balance_after: change.balance_after,
          created_at: change.created_at,
          created_ms: change.created_ms,
          terminal_id: change.terminal_id,
        },
      };
    }
    const idemKey = keys.tillIdempotency(change.op, change.terminal_id, change.idempotency_key);
    await this.redis
      .multi()
      .xadd(
        keys.redemptions,
        '*',
        'type',
        change.op,
        'id',
        change.op === 'debit' ? change.redemption_id : change.reversal_id!,
        'redemption_id',
        change.redemption_id,
        'code',
        change.code,
        'card_id',
        change.card_id,
        'amount',
        String(change.amount),
        'balance_before',
        String(change.balance_before),
        'balance_after',
        String(change.balance_after),
        'terminal_id',
        change.terminal_id,
        'note',
        change.note ?? '',
        'created_at',
        String(change.created_at),
      )
      .set(keys.tillRedemption(redemption.id), JSON.stringify(redemption))
      .zadd(keys.tillCodeRedemptions(change.code), redemption.created_ms, redemption.id)
      .set(idemKey, JSON.stringify(answer(redemption)), 'EX', ANSWER_TTL_S)
      .del(keys.tillPending(change.code))
      .exec()
      .then(failOnError);
    return redemption;
  }
}

/** MULTI answers each command's error beside its result; any one is a failed write. */
function failOnError(results: [Error | null, unknown][] | null): void {
  if (results === null) throw new Error('till: the transaction was aborted');
  const failed = results.find(([e]) => e !== null);
  if (failed) throw failed[0];
}

function parse<T>(json: string | null): T | null {
  return json === null ? null : (JSON.parse(json) as T);
}
