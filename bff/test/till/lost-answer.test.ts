import { startBff } from '../support/app';
import { admin, boughtCard, ledger, terminal, wechatBalance, wechatCalls, type Bff, type Terminal } from './support';

/**
 * WeChat applies a balance change and its answer is lost (the sandbox's afterApply faults, CONTRACT.md
 * "Redemption"): a debit and its retry with the same key apply exactly one change. These wait out
 * the WeChat client's real 5 s timeout.
 */
describe('the till when WeChat answers are lost', () => {
  let bff: Bff;
  let till: Terminal;
  const GRACE_MS = 7_000;
  beforeAll(async () => {
    bff = await startBff({}, { tillSettleGraceMs: GRACE_MS });
    till = await terminal(bff);
  });
  afterAll(() => bff.close());

  const fault = (body: Record<string, unknown>) => bff.control('faults', { endpoint: 'code.updateUserBalance', times: 1, ...body });

  /** One change in WeChat, one ledger entry, and the retry answers the same redemption without calling WeChat. */
  async function expectExactlyOnce(code: string, before: number, amount: number, key: string, first: { status: number; body: any }) {
    expect(wechatBalance(bff, code)).toBe(before - amount);
    const callsBefore = wechatCalls(bff, 'code.updateUserBalance');
    const retry = await till.pos('POST', '/redemptions', { code, amount, idempotency_key: key });
    expect([200, 201]).toContain(retry.status);
    if (first.status === 201) expect(retry.body).toEqual(first.body);
    expect(retry.body.redemption).toMatchObject({ code, amount, balance_before: before, balance_after: before - amount });
    expect(wechatCalls(bff, 'code.updateUserBalance')).toBe(callsBefore);
    expect(wechatBalance(bff, code)).toBe(before - amount);
    expect((await ledger(bff)).filter((e) => e.code === code)).toHaveLength(1);
  }

  it('answered late (after the client timed out): the balance is re-read under the lock and the debit is recorded once', async () => {
    const { code } = await boughtCard(bff, { price: 5000 });
    await fault({ afterApply: true, delayMs: 6000 });
    const first = await till.pos('POST', '/redemptions', { code, amount: 1200, idempotency_key: 'late-1' });
    expect(first.status).toBe(201);
    await expectExactlyOnce(code, 5000, 1200, 'late-1', first);
  }, 30_000);

  it('connection reset after applying: recorded once', async () => {
    const { code } = await boughtCard(bff, { price: 5000 });
    await fault({ afterApply: true, drop: true });
    const first = await till.pos('POST', '/redemptions', { code, amount: 300, idempotency_key: 'drop-1' });
    expect(first.status).toBe(201);
    await expectExactlyOnce(code, 5000, 300, 'drop-1', first);
  });

  it('when even the re-read fails: outcome_unknown, and the retry settles it without a second change', async () => {
    const { code } = await boughtCard(bff, { price: 5000 });
    await fault({ afterApply: true, delayMs: 6000 });
    const calls = wechatCalls(bff, 'code.updateUserBalance');
    const pending = till.pos('POST', '/redemptions', { code, amount: 800, idempotency_key: 'unknown-1' });
    // Once the change is on its way, WeChat gets busy for the re-read (1 call + 3 busy retries).
    while (wechatCalls(bff, 'code.updateUserBalance') === calls) await new Promise((r) => setTimeout(r, 10));
    await bff.control('faults', { endpoint: 'code.getCode', errcode: -1, times: 4 });
    const first = await pending;
    expect([first.status, first.body.error.code]).toEqual([503, 'outcome_unknown']);
    expect(first.headers.get('retry-after')).toMatch(/^\d+$/);
    // WeChat applied it; the till records it when the same request comes again (below).
    expect(wechatBalance(bff, code)).toBe(4200);
    await expectExactlyOnce(code, 5000, 800, 'unknown-1', first);
  }, 30_000);

  it('a change still in flight in WeChat (applied after the timeout) is never taken as not applied', async () => {
    const { code } = await boughtCard(bff, { price: 5000 });
    // Delayed before applying: the client times out at 5 s, WeChat applies at 6 s.
    await fault({ delayMs: 6000 });
    const first = await till.pos('POST', '/redemptions', { code, amount: 500, idempotency_key: 'inflight-1' });
    expect([first.status, first.body.error.code]).toEqual([503, 'outcome_unknown']);
    // Another till's debit of the same card meanwhile cannot compute from a balance that is about to change.
    const other = await till.pos('POST', '/redemptions', { code, amount: 100, idempotency_key: 'inflight-other' });
    expect([other.status, other.body.error.code]).toEqual([503, 'outcome_unknown']);
    await new Promise((r) => setTimeout(r, 1500));
    expect(wechatBalance(bff, code)).toBe(4500);
    await expectExactlyOnce(code, 5000, 500, 'inflight-1', first);
    const after = await till.pos('POST', '/redemptions', { code, amount: 100, idempotency_key: 'inflight-other' });
    expect([after.status, after.body.redemption.balance_after]).toEqual([201, 4400]);
  }, 30_000);

  it('a change WeChat never applied is dropped once the grace has passed, and the retry debits once', async () => {
    const { code } = await boughtCard(bff, { price: 5000 });
    // Late, then refused without applying: from the till, a timeout like the others.
    await fault({ delayMs: 5500, errcode: -1 });
    const first = await till.pos('POST', '/redemptions', { code, amount: 250, idempotency_key: 'never-1' });
    expect([first.status, first.body.error.code]).toEqual([503, 'outcome_unknown']);
    expect(wechatBalance(bff, code)).toBe(5000);
    await new Promise((r) => setTimeout(r, GRACE_MS - 5000 + 500));
    const retry = await till.pos('POST', '/redemptions', { code, amount: 250, idempotency_key: 'never-1' });
    expect([retry.status, retry.body.redemption.balance_after]).toEqual([201, 4750]);
    expect(wechatBalance(bff, code)).toBe(4750);
    expect((await ledger(bff)).filter((e) => e.code === code)).toHaveLength(1);
  }, 30_000);

  it("the merchant's own balance update waits for a till's change of the card, so neither is lost", async () => {
    const { code, cardId } = await boughtCard(bff, { price: 5000 });
    await fault({ afterApply: true, delayMs: 6000 });
    const calls = wechatCalls(bff, 'code.updateUserBalance');
    const debit = till.pos('POST', '/redemptions', { code, amount: 1000, idempotency_key: 'merchant-wait' });
    while (wechatCalls(bff, 'code.updateUserBalance') === calls) await new Promise((r) => setTimeout(r, 10));
    // The merchant sets the balance while the till's answer is still lost in WeChat.
    const topUp = await admin(bff, 'POST', `/codes/${code}/balance`, { card_id: cardId, balance: 9000 });
    const settled = await debit;
    expect(topUp.status).toBe(200);
    expect(settled.status).toBe(201);
    expect(settled.body.redemption).toMatchObject({ balance_before: 5000, balance_after: 4000 });
    expect(wechatBalance(bff, code)).toBe(9000);
    expect((await ledger(bff)).filter((e) => e.code === code)).toHaveLength(1);
  }, 30_000);

  it('a balance also changed outside the till while an answer was lost blocks the card until the merchant reconciles it', async () => {
    const { code } = await boughtCard(bff, { price: 5000 });
    // Late, then refused without applying; meanwhile another system sets the balance directly.
    await fault({ delayMs: 5500, errcode: -1 });
    const first = await till.pos('POST', '/redemptions', { code, amount: 250, idempotency_key: 'outside-1' });
    expect([first.status, first.body.error.code]).toEqual([503, 'outcome_unknown']);
    bff.world.cards.ledger.code(code).balance = 1234;
    const blocked = await till.pos('POST', '/redemptions', { code, amount: 100, idempotency_key: 'outside-2' });
    expect([blocked.status, blocked.body.error.code]).toEqual([503, 'outcome_unknown']);
    expect(blocked.body.error.message).toContain('/admin/till/pending/');
    expect(blocked.headers.get('retry-after')).toBe('2');
    // The merchant sees what is pending and says it did not happen; the card moves money again.
    const seen = await admin(bff, 'GET', `/till/pending/${code}`);
    expect(seen.body.pending).toMatchObject({ op: 'debit', code, amount: 250, balance_before: 5000, balance_after: 4750 });
    expect((await admin(bff, 'POST', `/till/pending/${code}`, { applied: false })).status).toBe(200);
    expect((await admin(bff, 'GET', `/till/pending/${code}`)).status).toBe(404);
    const after = await till.pos('POST', '/redemptions', { code, amount: 100, idempotency_key: 'outside-2' });
    expect([after.status, after.body.redemption.balance_after]).toEqual([201, 1134]);
    expect((await ledger(bff)).filter((e) => e.code === code).map((e) => e.amount)).toEqual(['100']);
  }, 30_000);

  it('a change the merchant reconciles as applied is recorded once, with its ledger entry and its key answered', async () => {
    const { code } = await boughtCard(bff, { price: 5000 });
    await fault({ delayMs: 5500, errcode: -1 });
    const first = await till.pos('POST', '/redemptions', { code, amount: 300, idempotency_key: 'outside-applied' });
    expect(first.body.error.code).toBe('outcome_unknown');
    bff.world.cards.ledger.code(code).balance = 4700 - 50; // the debit, then something else spent ¥0.50
    expect((await admin(bff, 'POST', `/till/pending/${code}`, { applied: true })).body.reconciled).toMatchObject({ amount: 300 });
    const replay = await till.pos('POST', '/redemptions', { code, amount: 300, idempotency_key: 'outside-applied' });
    expect([replay.status, replay.body.redemption.balance_after]).toEqual([200, 4700]);
    expect((await ledger(bff)).filter((e) => e.code === code)).toHaveLength(1);
  }, 30_000);
});
