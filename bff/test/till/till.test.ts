import { startBff } from '../support/app';
import { admin, boughtCard, ledger, terminal, wechatBalance, wechatCalls, type Bff, type Terminal } from './support';

/** The till over real HTTP, real Redis and the sandbox (CONTRACT.md "Redemption (the till)"). */
describe('the till (/pos)', () => {
  let bff: Bff;
  let till: Terminal;
  beforeAll(async () => {
    bff = await startBff();
    till = await terminal(bff);
  });
  afterAll(() => bff.close());

  describe('terminal keys', () => {
    it('are shown once, stored only as a hash, listed without the key, and stop working when revoked', async () => {
      const t = await terminal(bff, '二号收银台');
      expect(t.key).toMatch(/^gct_/);
      const listed = await admin(bff, 'GET', '/terminals');
      expect(listed.body.terminals).toContainEqual({ id: t.id, name: '二号收银台', created_at: expect.any(Number) });
      expect(JSON.stringify(listed.body)).not.toContain(t.key);
      // Nothing in Redis holds the key itself.
      for (const k of await bff.db.redis.keys(`${bff.db.prefix}*`)) {
        expect(k).not.toContain(t.key);
        const type = await bff.db.redis.type(k);
        const dump = type === 'string' ? await bff.db.redis.get(k) : type === 'hash' ? JSON.stringify(await bff.db.redis.hgetall(k)) : '';
        expect(dump ?? '').not.toContain(t.key);
      }
      const { code } = await boughtCard(bff);
      expect((await t.pos('GET', `/cards/${code}`)).status).toBe(200);
      expect((await admin(bff, 'DELETE', `/terminals/${t.id}`)).status).toBe(204);
      const after = await t.pos('GET', `/cards/${code}`);
      expect(after.status).toBe(401);
      expect(after.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      expect((await admin(bff, 'DELETE', `/terminals/${t.id}`)).status).toBe(404);
    });

    it('open /pos only: a terminal key is refused on /admin, the admin token on /pos', async () => {
      const { code } = await boughtCard(bff);
      const asTerminalOnAdmin = await fetch(`${bff.origin}/admin/terminals`, { headers: { authorization: `Bearer ${till.key}` } });
      expect(asTerminalOnAdmin.status).toBe(401);
      const asAdminOnPos = await fetch(`${bff.origin}/pos/cards/${code}`, { headers: { authorization: `Bearer ${bff.config.adminToken}` } });
      expect(asAdminOnPos.status).toBe(401);
      expect((await fetch(`${bff.origin}/pos/cards/${code}`)).status).toBe(401);
    });
  });

  describe('preview', () => {
    it('reads the card live: title, balance, status, validity, never the holder', async () => {
      const { code, cardId } = await boughtCard(bff, { price: 5000, title: '¥50 心意卡', openid: 'o_preview_holder' });
      const res = await till.pos('GET', `/cards/${code}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        card: { code, card_id: cardId, title: '¥50 心意卡', balance: 5000, status: 'NORMAL', begin_time: expect.any(Number), end_time: expect.any(Number) },
      });
      expect(JSON.stringify(res.body)).not.toContain('o_preview_holder');
      // A change made in WeChat directly shows at once: nothing is cached.
      bff.world.cards.ledger.code(code).balance = 1234;
      expect((await till.pos('GET', `/cards/${code}`)).body.card.balance).toBe(1234);
    });

    it('answers 404 not_found for an unknown code', async () => {
      const res = await till.pos('GET', '/cards/999999999999');
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    });
  });

  describe('debits', () => {
    it('2 terminals × 15 concurrent debits of ¥1 on a ¥20 card: exactly 20 applied, 10 insufficient_balance, WeChat at 0, the ledger sums to ¥20', async () => {
      const { code } = await boughtCard(bff, { price: 2000 });
      const second = await terminal(bff, '二号收银台');
      const tills = [till, second];
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => tills[i % 2]!.pos('POST', '/redemptions', { code, amount: 100, idempotency_key: `concurrent-${i}` })),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(20);
      const refused = answers.filter((a) => a.status === 409);
      expect(refused).toHaveLength(10);
      for (const r of refused) expect(r.body.error.code).toBe('insufficient_balance');
      expect(wechatBalance(bff, code)).toBe(0);
      const entries = (await ledger(bff)).filter((e) => e.code === code);
      expect(entries).toHaveLength(20);
      expect(entries.reduce((sum, e) => sum + Number(e.amount), 0)).toBe(2000);
      // Each applied debit saw the balance the previous one left.
      const afters = answers.filter((a) => a.status === 201).map((a) => a.body.redemption.balance_after as number);
      expect(new Set(afters).size).toBe(20);
      expect(Math.min(...afters)).toBe(0);
    });

    it('writes record_balance, which the card bag shows ("消费¥12.00")', async () => {
      const { code } = await boughtCard(bff, { price: 5000 });
      const res = await till.pos('POST', '/redemptions', { code, amount: 1200, idempotency_key: 'record-1', note: '小票 0042' });
      expect(res.status).toBe(201);
      expect(res.body.redemption).toMatchObject({ code, amount: 1200, balance_before: 5000, balance_after: 3800, terminal_id: till.id, note: '小票 0042' });
      const seen = bff.world.cards.ledger.code(code) as unknown as { balance_records?: { text: string }[] };
      expect(seen.balance_records?.map((r) => r.text)).toEqual(['消费¥12.00']);
    });

    it('a replayed key answers the first result without a second change; another body with the key is refused', async () => {
      const { code } = await boughtCard(bff, { price: 5000 });
      const body = { code, amount: 700, idempotency_key: 'replay-1' };
      const first = await till.pos('POST', '/redemptions', body);
      expect(first.status).toBe(201);
      const calls = wechatCalls(bff, 'code.updateUserBalance');
      const again = await till.pos('POST', '/redemptions', body);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(wechatCalls(bff, 'code.updateUserBalance')).toBe(calls);
      expect(wechatBalance(bff, code)).toBe(4300);
      const conflict = await till.pos('POST', '/redemptions', { ...body, amount: 800 });
      expect(conflict.status).toBe(409);
      expect(conflict.body.error.code).toBe('idempotency_conflict');
      // A key is the terminal's own: another terminal's same key is another request.
      const other = await terminal(bff, '三号收银台');
      expect((await other.pos('POST', '/redemptions', body)).status).toBe(201);
      expect(wechatBalance(bff, code)).toBe(3600);
    });

    it('a refusal replays as the same refusal, even once the card could pay', async () => {
      const { code } = await boughtCard(bff, { price: 500 });
      const body = { code, amount: 600, idempotency_key: 'refused-1' };
      expect((await till.pos('POST', '/redemptions', body)).body.error.code).toBe('insufficient_balance');
      bff.world.cards.ledger.code(code).balance = 1000;
      const replay = await till.pos('POST', '/redemptions', body);
      expect(replay.status).toBe(409);
      expect(replay.body.error.code).toBe('insufficient_balance');
      expect(wechatBalance(bff, code)).toBe(1000);
    });

    it('refuses bad input with a clear error and changes nothing', async () => {
      const { code } = await boughtCard(bff, { price: 500 });
      for (const body of [
        { code, amount: 0, idempotency_key: 'k' },
        { code, amount: 1.5, idempotency_key: 'k' },
        { code, amount: '100', idempotency_key: 'k' },
        { code, amount: 100, idempotency_key: 'has space' },
        { code, amount: 100, idempotency_key: 'x'.repeat(65) },
        { code, amount: 100 },
        { code, amount: 100, idempotency_key: 'k', extra: 1 },
      ]) {
        const res = await till.pos('POST', '/redemptions', body);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('invalid_request');
      }
      expect(wechatBalance(bff, code)).toBe(500);
      expect((await till.pos('POST', '/redemptions', { code: '999999999999', amount: 1, idempotency_key: 'unknown' })).status).toBe(404);
    });
  });

  describe('unusable cards are refused with card_unusable', () => {
    it('consumed, being gifted, refunded (expired: next test)', async () => {
      const consumed = await boughtCard(bff);
      await bff.wechat.client.code.consumeCode({ code: consumed.code });
      const gifting = await boughtCard(bff, { openid: 'o_giver' });
      await bff.control('codes/gift', { code: gifting.code, openid: 'o_giver', friend_openid: 'o_friend' });
      const refunded = await boughtCard(bff);
      // The BFF saw the code before the refund (a debit, reversed): a 40056 now means refunded.
      const d = await till.pos('POST', '/redemptions', { code: refunded.code, amount: 100, idempotency_key: 'pre-refund' });
      expect((await till.pos('POST', `/redemptions/${d.body.redemption.id}/reversal`, { idempotency_key: 'pre-refund-rev' })).status).toBe(201);
      await bff.wechat.client.order.refundOrder({ order_id: refunded.order.order_id });

      for (const [card, reason] of [
        [consumed, 'consumed'],
        [gifting, 'gifting'],
        [refunded, 'refunded'],
      ] as const) {
        const res = await till.pos('POST', '/redemptions', { code: card.code, amount: 100, idempotency_key: `unusable-${reason}` });
        expect([res.status, res.body.error?.code, res.body.error?.reason]).toEqual([409, 'card_unusable', reason]);
      }
      expect(wechatBalance(bff, gifting.code)).toBe(2000);

    });

    it('expired, by the sandbox clock', async () => {
      // A BFF of its own: the sandbox's clock only moves forward.
      const own = await startBff();
      try {
        const t = await terminal(own);
        const expiring = await boughtCard(own);
        await own.control('clock/advance', { seconds: 400 * 24 * 3600 });
        const expired = await t.pos('POST', '/redemptions', { code: expiring.code, amount: 100, idempotency_key: 'unusable-expired' });
        expect([expired.status, expired.body.error.code, expired.body.error.reason]).toEqual([409, 'card_unusable', 'expired']);
        expect((await t.pos('GET', `/cards/${expiring.code}`)).body.card.status).toBe('EXPIRE');
        expect(wechatBalance(own, expiring.code)).toBe(2000);
      } finally {
        await own.close();
      }
    });
  });

  describe('reversal', () => {
    it('gives the money back once; the same key replays it; a second reversal is refused; history and ledger show both', async () => {
      const { code } = await boughtCard(bff, { price: 3000 });
      const debit = await till.pos('POST', '/redemptions', { code, amount: 1250, idempotency_key: 'rev-debit' });
      expect(wechatBalance(bff, code)).toBe(1750);
      const id = debit.body.redemption.id as string;
      const reversal = await till.pos('POST', `/redemptions/${id}/reversal`, { idempotency_key: 'rev-1' });
      expect(reversal.status).toBe(201);
      expect(reversal.body.reversal).toEqual({ id: expect.stringMatching(/^rv_/), redemption_id: id, amount: 1250, balance_after: 3000, created_at: expect.any(Number) });
      expect(wechatBalance(bff, code)).toBe(3000);
      const replay = await till.pos('POST', `/redemptions/${id}/reversal`, { idempotency_key: 'rev-1' });
      expect([replay.status, replay.body]).toEqual([200, reversal.body]);
      const second = await till.pos('POST', `/redemptions/${id}/reversal`, { idempotency_key: 'rev-2' });
      expect([second.status, second.body.error.code]).toEqual([409, 'already_reversed']);
      expect(wechatBalance(bff, code)).toBe(3000);
      const seen = bff.world.cards.ledger.code(code) as unknown as { balance_records?: { text: string }[] };
      expect(seen.balance_records?.map((r) => r.text)).toEqual(['消费¥12.50', '退回¥12.50']);

      const later = await till.pos('POST', '/redemptions', { code, amount: 100, idempotency_key: 'rev-later' });
      const history = await till.pos('GET', `/redemptions?code=${code}`);
      expect(history.body.redemptions.map((r: { id: string; reversed_at: number | null }) => [r.id, r.reversed_at !== null])).toEqual([
        [later.body.redemption.id, false],
        [id, true],
      ]);
      expect((await ledger(bff)).filter((e) => e.code === code).map((e) => [e.type, e.amount])).toEqual([
        ['debit', '1250'],
        ['reversal', '1250'],
        ['debit', '100'],
      ]);
      expect((await till.pos('POST', '/redemptions/rd_unknown/reversal', { idempotency_key: 'x' })).status).toBe(404);
    });
  });
});
