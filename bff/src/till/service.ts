import { randomBytes } from 'node:crypto';
import type { CodeInfo } from '@giftcard/shared';
import type { Redemption, RedemptionRequest, Reversal, TerminalInfo, TillCard } from '@giftcard/shared/api';
import { HttpError } from '../http/errors';
import type { Logger } from '../log';
import type { RedisKeys } from '../redis/keys';
import type { CardCatalog } from '../services/card-catalog';
import { isNotFound, wechatFailureOf, type WechatClient } from '../wechat';
import type { RedisLock } from './lock';
import { UNUSABLE_MESSAGE, balanceRecord, debitFingerprint, fingerprint, unusableReason, type Unusable } from './rules';
import type { PendingChange, StoredAnswer, StoredRedemption, TillStore } from './store';


export interface TillDeps {
  client: WechatClient;
  store: TillStore;
  lock: RedisLock;
  keys: RedisKeys;
  catalog: CardCatalog;
  logger: Logger;
  /** Re-reads an order and its cards into the projections (the consumer's lists), after a change. */
  refreshOrder: (orderId: string) => Promise<unknown>;
  /** The same, by a code (code/get names its order): after a change settled without the till reading the code. */
  refreshCode: (code: string) => Promise<unknown>;
  /** Whether WeChat ever showed this code to the BFF (code/get's not-found then means refunded, not unknown). */
  knownCode: (code: string) => Promise<boolean>;
  /**
   * How long after a change was sent an unchanged balance still does not prove it was not applied
   * (ms): a call whose answer was lost may still be in flight inside WeChat.
   */
  settleGraceMs?: number;
  /** Unix seconds. */
  now?: () => number;
}

/** Three times the WeChat client's 5 s timeout. */
const SETTLE_GRACE_MS = 15_000;

/** What a till call answers: the HTTP status and body. */
export interface TillAnswer<T> {
  status: number;
  body: T;
}

/**
 * The till (CONTRACT.md "Redemption"). Every balance change of one code happens under that code's
 * Redis lock, so the absolute `balance` written with updateuser (002 §11.2) is computed from a
 * balance nobody else is changing through the BFF. The change is recorded as pending before
 * WeChat is called; when WeChat's answer is lost, the balance is re-read under the same lock to
 * learn whether it happened. An idempotency key answers its first result forever after.
 */
export class TillService {
  private readonly now: () => number;

  constructor(private readonly deps: TillDeps) {
    this.now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** `GET /pos/cards/:code`: live from WeChat; the holder's openid never leaves this function. */
  async preview(code: string): Promise<TillCard> {
    const info = await this.readCode(code, () => new HttpError(404, 'not_found', 'no such card'));
    const { title } = await this.deps.catalog.info(info.card.card_id);
    return {
      code: info.card.code,
      card_id: info.card.card_id,
      title,
      balance: info.card.balance,
      status: info.user_card_status,
      begin_time: info.card.begin_time,
      end_time: info.card.end_time ?? null,
    };
  }

  async debit(terminal: TerminalInfo, req: RedemptionRequest): Promise<TillAnswer<{ redemption: Redemption }>> {
    const fp = debitFingerprint(req);
    const idemKey = this.deps.keys.tillIdempotency('debit', terminal.id, req.idempotency_key);
    const replay = await this.replay<{ redemption: Redemption }>(idemKey, fp);
    if (replay) return replay;
    let order: { orderId: string } | undefined;
    const answer = await this.underLock(req.code, async (lock) => {
      const settledReplay = await this.replay<{ redemption: Redemption }>(idemKey, fp);
      if (settledReplay) return settledReplay;
      const info = await this.readForChange(req.code);
      order = { orderId: info.order_id };
      const unusable = unusableReason(info, this.now());
      if (unusable) return this.refuse(idemKey, fp, cardUnusable(unusable));
      if (info.card.balance < req.amount) {
        return this.refuse(
          idemKey,
          fp,
          new HttpError(409, 'insufficient_balance', `the balance is ${info.card.balance} fen, less than the ${req.amount} fen asked`, {
            balance: info.card.balance,
          }),
        );
      }
      const created = this.stamp();
      const change: PendingChange = {
        op: 'debit',
        terminal_id: terminal.id,
        idempotency_key: req.idempotency_key,
        fingerprint: fp,
        code: info.card.code,
        card_id: info.card.card_id,
        amount: req.amount,
        balance_before: info.card.balance,
        balance_after: info.card.balance - req.amount,
        note: req.note ?? null,
        ...created,
        redemption_id: newId('rd'),
      };
      const done = await this.apply(change, lock);
      return { status: 201, body: { redemption: redemptionOf(done) } };
    });
    await this.refresh(order ?? req.code);
    return answer;
  }

  async reverse(terminal: TerminalInfo, redemptionId: string, idempotencyKey: string): Promise<TillAnswer<{ reversal: Reversal }>> {
    const fp = fingerprint({ redemption_id: redemptionId });
    const idemKey = this.deps.keys.tillIdempotency('reversal', terminal.id, idempotencyKey);
    const replay = await this.replay<{ reversal: Reversal }>(idemKey, fp);
    if (replay) return replay;
    const debit = await this.deps.store.redemption(redemptionId);
    if (!debit) throw new HttpError(404, 'not_found', 'no such redemption');
    let order: { orderId: string } | undefined;
    const answer = await this.underLock(debit.code, async (lock) => {
      const settledReplay = await this.replay<{ reversal: Reversal }>(idemKey, fp);
      if (settledReplay) return settledReplay;
      const current = (await this.deps.store.redemption(redemptionId))!;
      if (current.reversal) {
        throw new HttpError(409, 'already_reversed', `redemption ${redemptionId} was reversed at ${current.reversal.created_at} (reversal ${current.reversal.id})`);
      }
      const info = await this.readForChange(debit.code);
      order = { orderId: info.order_id };
      const unusable = unusableReason(info, this.now());
      if (unusable) throw cardUnusable(unusable);
      const change: PendingChange = {
        op: 'reversal',
        terminal_id: terminal.id,
        idempotency_key: idempotencyKey,
        fingerprint: fp,
        code: debit.code,
        card_id: debit.card_id,
        amount: debit.amount,
        balance_before: info.card.balance,
        balance_after: info.card.balance + debit.amount,
        note: null,
        ...this.stamp(),
        redemption_id: debit.id,
        reversal_id: newId('rv'),
      };
      const done = await this.apply(change, lock);
      return { status: 201, body: { reversal: reversalOf(done) } };
    });
    await this.refresh(order ?? debit.code);
    return answer;
  }

  /**
   * Runs `fn` holding the locks of these codes (taken in one order, so two callers never wait on
   * each other), each code's pending change settled first: the merchant's own balance updates,
   * consumes and refunds go through here, so they never interleave with a till's debit.
   */
  async withCodes<T>(codes: readonly string[], fn: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(codes)].sort();
    const held: { release(): Promise<void> }[] = [];
    try {
      for (const code of sorted) {
        const lock = await this.deps.lock.acquire(this.deps.keys.tillLock(code));
        if (!lock) throw busy('a till is changing this card right now; retry');
        held.push(lock);
        await this.settlePending(code);
      }
      return await fn();
    } finally {
      for (const lock of held.reverse()) await lock.release().catch((e: Error) => this.deps.logger.warn('till: lock release failed (it expires)', { error: e.message }));
    }
  }

  /** The code's unsettled change, if any (what the merchant reconciles when the till cannot tell). */
  pendingOf(code: string): Promise<PendingChange | null> {
    return this.deps.store.pending(code);
  }

  /**
   * The merchant's word on a change the till could not settle (the balance was also changed outside
   * the till while its answer was lost): `applied` records it as it would have been recorded, else
   * it is dropped. Then the card moves money again. Null when nothing is pending.
   */
  async reconcile(code: string, applied: boolean): Promise<PendingChange | null> {
    const settled = await this.underLock(
      code,
      async () => {
        const pending = await this.deps.store.pending(code);
        if (!pending) return null;
        this.deps.logger.warn('till: pending change reconciled by the merchant', { redemption: pending.redemption_id, op: pending.op, applied });
        if (applied) await this.deps.store.settle(pending, answerOf(pending));
        else await this.deps.store.clearPending(code);
        return pending;
      },
      { settle: false },
    );
    if (settled) await this.refresh(code);
    return settled;
  }

  /** A code's debits, newest first, each with `reversed_at` once reversed. */
  async history(code: string): Promise<StoredRedemption[]> {
    return this.deps.store.redemptionsOf(code);
  }

  /**
   * Writes the pending change, sends it to WeChat, and settles it. A lost answer is settled by
   * re-reading the balance under the lock still held; when even that fails, the change stays
   * pending and the till hears `outcome_unknown`: its retry (or any next change of the code)
   * settles it first.
   */
  private async apply(change: PendingChange, lock: { extend(): Promise<boolean> }): Promise<StoredRedemption> {
    const { client, store } = this.deps;
    // The last moment to find the lock lost (a stall past its TTL): another holder may be changing
    // the balance and own the pending slot, so neither our pending record nor our absolute write may go out.
    if (!(await lock.extend())) throw busy('the card lock was lost before the change was sent; nothing was changed, retry');
    change.sent_ms = Date.now();
    await store.setPending(change);
    try {
      const res = await client.code.updateUserBalance({
        code: change.code,
        card_id: change.card_id,
        balance: change.balance_after,
        record_balance: balanceRecord(change.op, change.amount),
      });
      if (res.result_balance !== change.balance_after) {
        this.deps.logger.warn('till: WeChat answered another balance than was set', { redemption: change.redemption_id, expected: change.balance_after, got: res.result_balance });
      }
    } catch (e) {
      if (!isLostAnswer(e)) {
        // WeChat refused: nothing changed.
        await store.clearPending(change.code);
        throw refusalOf(e);
      }
      this.deps.logger.warn('till: WeChat answer lost, re-reading the balance', { redemption: change.redemption_id, error: (e as Error).message });
      const settled = await this.settlePending(change.code);
      if (typeof settled === 'string') {
        throw new HttpError(502, 'wechat_error', 'WeChat did not apply the change (its answer was lost, the balance is unchanged); nothing was charged, the same request can be retried');
      }
      return settled;
    }
    return store.settle(change, answerOf(change));
  }

  /**
   * The code's pending change, if any, settled by the balance WeChat holds now: the change's
   * `balance_after` means it happened (recorded now), `balance_before` that it did not (dropped),
   * but only once the grace has passed: until then the call may still land.
   * Anything else means the balance was also changed outside the till: 503 `outcome_unknown`
   * until someone reconciles, because guessing could debit twice or lose a debit.
   */
  private async settlePending(code: string): Promise<StoredRedemption | 'not_applied' | 'none'> {
    const { store } = this.deps;
    const pending = await store.pending(code);
    if (!pending) return 'none';
    let info: CodeInfo;
    try {
      info = await this.deps.client.code.getCode({ code, card_id: pending.card_id, check_consume: false });
    } catch (e) {
      throw outcomeUnknown(`the balance could not be re-read (${(e as Error).message})`);
    }
    if (info.card.balance === pending.balance_after) {
      this.deps.logger.info('till: a pending change was applied by WeChat; recorded', { redemption: pending.redemption_id, op: pending.op });
      return store.settle(pending, answerOf(pending));
    }
    if (info.card.balance === pending.balance_before) {
      const sinceSent = Date.now() - (pending.sent_ms ?? pending.created_ms);
      if (sinceSent < (this.deps.settleGraceMs ?? SETTLE_GRACE_MS)) {
        throw outcomeUnknown('the balance is unchanged so far, but WeChat may still be applying the change; retry in a few seconds');
      }
      this.deps.logger.info('till: a pending change was not applied by WeChat; dropped', { redemption: pending.redemption_id, op: pending.op });
      await store.clearPending(code);
      return 'not_applied';
    }
    this.deps.logger.error('till: balance changed outside the till while a change was unsettled; needs reconciliation', {
      redemption: pending.redemption_id,
      op: pending.op,
      before: pending.balance_before,
      after: pending.balance_after,
      now: info.card.balance,
    });
    throw outcomeUnknown(
      'the balance was also changed outside the till, so whether this change happened cannot be told: the merchant reconciles it (GET/POST /admin/till/pending/:code) before the card moves money again',
    );
  }

  /** Runs `fn` holding the code's lock, after settling whatever change of the code is still pending. */
  private async underLock<T>(code: string, fn: (lock: { extend(): Promise<boolean> }) => Promise<T>, opts: { settle: boolean } = { settle: true }): Promise<T> {
    const lock = await this.deps.lock.acquire(this.deps.keys.tillLock(code));
    if (!lock) throw busy('another change of this card is in progress; retry');
    try {
      if (opts.settle) await this.settlePending(code);
      return await fn(lock);
    } finally {
      await lock.release().catch((e: Error) => this.deps.logger.warn('till: lock release failed (it expires)', { error: e.message }));
    }
  }

  /** The key's first answer (a 201 replays as 200), a conflict for another body, or null. */
  private async replay<T>(idemKey: string, fp: string): Promise<TillAnswer<T> | null> {
    const stored = await this.deps.store.answer(idemKey);
    if (!stored) return null;
    if (stored.fingerprint !== fp) throw new HttpError(409, 'idempotency_conflict', 'this idempotency_key was used with another request; use a new key for a new request');
    if (stored.status >= 400) {
      const { error } = stored.body as { error: { code: string; message: string } & Record<string, unknown> };
      const { code, message, ...extra } = error;
      throw new HttpError(stored.status, code, message, extra);
    }
    return { status: stored.status === 201 ? 200 : stored.status, body: stored.body as T };
  }

  /** A refusal is the key's answer too: its replay refuses the same way, even if the card changed since. */
  private async refuse(idemKey: string, fp: string, err: HttpError): Promise<never> {
    await this.deps.store.recordAnswer(idemKey, { fingerprint: fp, status: err.status, body: { error: { code: err.code, message: err.message, ...err.extra } } });
    throw err;
  }

  /** code/get before a change; a code WeChat no longer knows but the BFF saw is refunded. */
  private async readForChange(code: string): Promise<CodeInfo> {
    return this.readCode(code, async () => ((await this.deps.knownCode(code)) ? cardUnusable('refunded') : new HttpError(404, 'not_found', 'no such card')));
  }

  private async readCode(code: string, notFound: () => HttpError | Promise<HttpError>): Promise<CodeInfo> {
    try {
      return await this.deps.client.code.getCode({ code, check_consume: false });
    } catch (e) {
      if (isNotFound(e) || wechatFailureOf(e) === 'invalid_request') throw await notFound();
      throw refusalOf(e);
    }
  }

  /**
   * The changed card's order re-read for the consumer's views: by the order id the till's own
   * code/get named, or by the code when a retry settled a change without reading it.
   */
  private async refresh(target: { orderId: string } | string): Promise<void> {
    try {
      await (typeof target === 'string' ? this.deps.refreshCode(target) : this.deps.refreshOrder(target.orderId));
    } catch (e) {
      this.deps.logger.warn('till: projections not refreshed after a change (the next list read re-reads them)', { error: (e as Error).message });
    }
  }

  private stamp(): { created_at: number; created_ms: number } {
    const ms = Date.now();
    return { created_at: this.now(), created_ms: ms };
  }
}

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

function redemptionOf(r: StoredRedemption): Redemption {
  return {
    id: r.id,
    code: r.code,
    card_id: r.card_id,
    amount: r.amount,
    balance_before: r.balance_before,
    balance_after: r.balance_after,
    terminal_id: r.terminal_id,
    note: r.note,
    created_at: r.created_at,
    reversed_at: r.reversed_at,
  };
}

function reversalOf(r: StoredRedemption): Reversal {
  const { terminal_id: _t, created_ms: _ms, ...reversal } = r.reversal!;
  return reversal;
}

/** The first answer of the key that made the change, for its replays. */
function answerOf(change: PendingChange): (r: StoredRedemption) => StoredAnswer {
  return (r) => ({
    fingerprint: change.fingerprint,
    status: 201,
    body: change.op === 'debit' ? { redemption: redemptionOf(r) } : { reversal: reversalOf(r) },
  });
}

export { redemptionOf };

function cardUnusable(reason: Unusable): HttpError {
  return new HttpError(409, 'card_unusable', UNUSABLE_MESSAGE[reason], { reason });
}

/** A 503 worth retrying after `seconds`: said in the body and in `Retry-After`. */
function retryLater(code: string, message: string, seconds: number): HttpError {
  const err = new HttpError(503, code, message, { retry_after: seconds });
  err.headers = { 'Retry-After': String(seconds) };
  return err;
}

function busy(message: string): HttpError {
  return retryLater('busy', message, 1);
}

function outcomeUnknown(why: string): HttpError {
  return retryLater('outcome_unknown', `WeChat's answer was lost and ${why}; retry the same request (same idempotency_key) to settle it`, 2);
}

/** Timeouts, resets and answers that are not WeChat's JSON: the call may or may not have been applied. */
function isLostAnswer(e: unknown): boolean {
  const failure = wechatFailureOf(e);
  return failure === 'timeout' || failure === 'unreachable' || failure === 'invalid_response';
}

/**
 * WeChat refused: the one conflict code/get and updateuser answer is a consumed code (40099), the
 * till's own `card_unusable`; every other WeChat failure goes on as it is, to the till API's error
 * boundary (the one table, as `/api` and `/admin` answer it).
 */
function refusalOf(e: unknown): unknown {
  return wechatFailureOf(e) === 'conflict' ? cardUnusable('consumed') : e;
}
