import { sleep } from '../../bff/src/util/sleep';
import type { WechatError } from '../../bff/src/wechat';
import { buy, openShop } from '../../bff/test/support/giftcards';
import { sandboxClient, useSandboxWechat, wechatFailure } from '../../bff/test/support/wechat';

const UPDATE = 'code.updateUserBalance';
/** Short on purpose: the client gives up after TIMEOUT_MS, the sandbox answers after LATE_MS (the contract's 5 s / 6 s, scaled down). */
const TIMEOUT_MS = 300;
const LATE_MS = 1000;

interface CodeView {
  code: string;
  balance: number;
  status: string;
  balance_records: { text: string; balance: number; at: number }[];
}

describe('sandbox faults (issue 12): errcodes and delays before the call, lost answers after it', () => {
  const t = useSandboxWechat();
  let code: string;
  let cardId: string;
  let orderId: string;
  /** The card's price: its balance when bought. */
  const start = 10000;

  beforeEach(async () => {
    const shop = await openShop(t.wechat, t.sandbox, [{ price: start }]);
    const order = await buy(t.sandbox, { openid: 'o_holder', page_id: shop.pageId, items: [{ card_id: shop.cardIds[0]!, count: 1 }] });
    code = order.card_list[0]!.code;
    cardId = order.card_list[0]!.card_id;
    orderId = order.order_id;
  });

  /** A client as the till's, timing out after TIMEOUT_MS instead of 5 s (the request core's timeoutMs). */
  const shortClient = () => sandboxClient(t.sandbox, t.db.redis, t.db.keys, { timeoutMs: TIMEOUT_MS }).client;
  const balance = async () => (await t.wechat.client.code.getCode({ code })).card.balance;
  const debit = (client = t.wechat.client, amount = 100, record?: string) =>
    client.code.updateUserBalance({ code, card_id: cardId, add_balance: -amount, ...(record !== undefined && { record_balance: record }) });
  const arm = (fault: Record<string, unknown>) => t.sandbox.control('faults', { endpoint: UPDATE, ...fault });
  const calls = () => t.sandbox.world.calls.get(UPDATE);
  const view = async (c = code) => {
    const res = await fetch(`${t.sandbox.apiBase}/_control/codes/${encodeURIComponent(c)}`);
    return { status: res.status, body: (await res.json()) as CodeView };
  };

  describe('afterApply with delayMs: applied at once, answered after the client gave up', () => {
    it('the client times out while WeChat has applied the debit; only `times` calls lose their answer', async () => {
      await arm({ afterApply: true, delayMs: LATE_MS, times: 1 });
      const client = shortClient();
      const e = await wechatFailure(debit(client, 100));
      expect(e.kind).toBe('timeout');
      // Read before the late answer is even sent: the state changed when the call arrived.
      await expect(balance()).resolves.toBe(start - 100);
      // The fault was armed for one call: the next debit is answered as usual.
      await expect(debit(client, 50)).resolves.toMatchObject({ result_balance: start - 150 });
      expect(calls()).toBe(2);
    });

    it('the late answer is the real one, and other calls are answered (and see the change) meanwhile', async () => {
      await arm({ afterApply: true, delayMs: LATE_MS, times: 1 });
      const token = await t.wechat.tokens.get();
      const sent = Date.now();
      let settledAt: number | undefined;
      const late = t.sandbox
        .raw('/card/generalcard/updateuser', { code, card_id: cardId, add_balance: -300 }, token)
        .finally(() => (settledAt = Date.now()));
      // Other calls go through while that answer waits; the first that finds the new balance ends the wait.
      while ((await balance()) !== start - 300) {
        expect(Date.now() - sent).toBeLessThan(LATE_MS);
        await sleep(10);
      }
      expect(settledAt).toBeUndefined();
      await expect(late).resolves.toMatchObject({ errcode: 0, result_balance: start - 300 });
      expect(settledAt! - sent).toBeGreaterThanOrEqual(LATE_MS - 20);
    });
  });

  describe('afterApply with drop: applied, then the connection is reset', () => {
    it('the client sees a transport error; the balance changed once', async () => {
      await arm({ afterApply: true, drop: true, times: 1 });
      const e = await wechatFailure(debit(t.wechat.client, 250));
      expect(e.kind).toBe('transport');
      expect(e.errmsg).toMatch(/ECONNRESET|UND_ERR_SOCKET|socket/i);
      await expect(balance()).resolves.toBe(start - 250);
      expect(calls()).toBe(1);
      await expect(debit(t.wechat.client, 250)).resolves.toMatchObject({ result_balance: start - 500 });
    });
  });

  // A refused call changed nothing, and its answer is lost all the same: the caller cannot tell the two apart.
  describe('afterApply on a call WeChat refuses', () => {
    it('drop: nothing changes, the connection is reset', async () => {
      await arm({ afterApply: true, drop: true, times: 1 });
      const e = await wechatFailure(debit(t.wechat.client, start + 1));
      expect(e.kind).toBe('transport');
      await expect(balance()).resolves.toBe(start);
    });

    it('delayMs: refused when it arrived (a credit meanwhile does not make it pass), answered late', async () => {
      await arm({ afterApply: true, delayMs: LATE_MS, times: 1 });
      const late = t.sandbox.raw('/card/generalcard/updateuser', { code, card_id: cardId, add_balance: -(start + 1) }, await t.wechat.tokens.get());
      await expect(debit(t.wechat.client, -1)).resolves.toMatchObject({ result_balance: start + 1 });
      await expect(late).resolves.toMatchObject({ errcode: 40097 });
      await expect(balance()).resolves.toBe(start + 1);
    });
  });

  // The forms there were before: the fault acts before the handler, and an errcode means it never ran.
  it.each([
    ['errcode', { errcode: 45009 }, { errcode: 45009, applied: false, slow: false }],
    ['delayMs then errcode', { delayMs: 200, errcode: 45009 }, { errcode: 45009, applied: false, slow: true }],
    ['delayMs then the handler', { delayMs: 200 }, { errcode: null, applied: true, slow: true }],
  ] as const)('%s: as before', async (_, fault, expected) => {
    await arm({ ...fault, times: 1 });
    const sent = Date.now();
    const outcome = await debit(t.wechat.client, 100).then(
      () => null,
      (e: WechatError) => e.errcode,
    );
    expect(outcome).toBe(expected.errcode);
    expect(Date.now() - sent >= 200).toBe(expected.slow);
    await expect(balance()).resolves.toBe(expected.applied ? start - 100 : start);
  });

  it('a delay before the handler that outlasts the client: timeout, and nothing applied yet', async () => {
    await arm({ delayMs: LATE_MS, times: 1 });
    const e = await wechatFailure(debit(shortClient(), 100));
    expect(e.kind).toBe('timeout');
    await expect(balance()).resolves.toBe(start);
  });

  it.each([
    ['afterApply alone', { afterApply: true }, /afterApply needs delayMs or drop/],
    ['afterApply with delayMs 0', { afterApply: true, delayMs: 0 }, /afterApply needs delayMs or drop/],
    ['drop without afterApply', { drop: true }, /drop only with afterApply/],
    ['afterApply with an errcode', { afterApply: true, drop: true, errcode: -1 }, /errcode/],
  ])('refuses %s', async (_, fault, message) => {
    await expect(arm({ ...fault, times: 1 })).rejects.toThrow(/control faults: 400/);
    await expect(arm({ ...fault, times: 1 })).rejects.toThrow(message);
    expect(t.sandbox.world.faults.take(UPDATE)).toBeUndefined();
  });

  describe('the card bag: balance records and GET /_control/codes/:code', () => {
    it('records each update that carries record_balance, with the balance after it and the sandbox time', async () => {
      const first = t.sandbox.world.clock.now();
      await debit(t.wechat.client, 1200, '购买咖啡');
      await debit(t.wechat.client, 300); // no record_balance: nothing to show
      await t.sandbox.control('clock/advance', { seconds: 3600 });
      await debit(t.wechat.client, 500, '购买蛋糕');
      const { status, body } = await view();
      expect(status).toBe(200);
      expect(body).toEqual({
        code,
        balance: start - 2000,
        status: 'NORMAL',
        balance_records: [
          { text: '购买咖啡', balance: start - 1200, at: expect.any(Number) },
          { text: '购买蛋糕', balance: start - 2000, at: expect.any(Number) },
        ],
      });
      const [a, b] = body.balance_records;
      expect(a!.at - first).toBeGreaterThanOrEqual(0);
      expect(a!.at - first).toBeLessThan(5);
      expect(b!.at - a!.at).toBeGreaterThanOrEqual(3600);
      expect(b!.at - a!.at).toBeLessThan(3605);
    });

    it('a refused update records nothing; a refunded code shows REFUNDED here and 40056 to the API; an unknown code is 404', async () => {
      await expect(debit(t.wechat.client, start + 1, '超额')).rejects.toMatchObject({ errcode: 40097 });
      expect((await view()).body).toMatchObject({ balance: start, balance_records: [] });
      await t.wechat.client.order.refundOrder({ order_id: orderId });
      expect((await view()).body).toMatchObject({ code, status: 'REFUNDED' });
      await expect(balance()).rejects.toMatchObject({ errcode: 40056 });
      const unknown = await view('000000000000');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ error: { code: 'not_found' } });
    });
  });
});
