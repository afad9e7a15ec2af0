import { SAMPLES, TABLE_EVENTS } from '../../../shared/test/fixtures/event-samples';
import { runCli, type CliIO } from '../../src/cli/run';
import { startBff } from '../support/app';
import { post, signedPush } from '../support/push';
import { startReceiver, type TestReceiver } from '../support/receiver';

const SECRET = 'whsec_'.padEnd(40, 'x');

/** The real BFF (sandbox, real Redis) with its webhook sender, and a real receiver started by the test. */
async function start(answer?: Parameters<typeof startReceiver>[1], env: Record<string, string> = {}) {
  const receiver = await startReceiver(SECRET, answer);
  const bff = await startBff(
    { MERCHANT_WEBHOOK_URL: receiver.url, MERCHANT_WEBHOOK_SECRET: SECRET, MERCHANT_WEBHOOK_RETRY_MS: '40', MERCHANT_WEBHOOK_TIMEOUT_MS: '1000', ...env },
    { webhooks: true },
  );
  const push = async (fields: Record<string, string>) => {
    const p = signedPush({ origin: bff.origin, token: bff.config.wechatToken }, fields);
    const res = await post(p.url, p.body);
    expect(res.status).toBe(200);
  };
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${bff.origin}/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${bff.config.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { receiver, bff, push, admin, close: async () => (await bff.close(), await receiver.close()) };
}

/** Re-runs `check` until it passes (the BFF records an outcome just after the receiver answered); its last failure after `ms`. */
async function eventually(check: () => Promise<void>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const metricsOf = async (bff: Awaited<ReturnType<typeof startBff>>) => (await fetch(`${bff.origin}/metrics`, { headers: { authorization: `Bearer ${bff.config.metricsToken}` } })).text();

const orders = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ ...SAMPLES.giftcard_pay_done, OrderId: `${tag}-${i}` }));

async function streamEntries(bff: Awaited<ReturnType<typeof startBff>>, stream: string) {
  const raw = await bff.db.redis.xrange(stream, '-', '+');
  return raw.map(([entryId, f]) => ({ entryId, ...Object.fromEntries(Array.from({ length: f.length / 2 }, (_, i) => [f[2 * i]!, f[2 * i + 1]!])) }) as Record<string, string>);
}

describe('merchant webhooks', () => {
  let t: Awaited<ReturnType<typeof start>> | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it("POSTs every stored event once, signed, with the stream entry's fields as the body", async () => {
    t = await start();
    for (const fields of orders(5, 'signed')) await t.push(fields);
    await t.receiver.until(() => t!.receiver.delivered().length === 5);
    const entries = await streamEntries(t.bff, t.bff.db.keys.events);
    expect(t.receiver.received).toHaveLength(5);
    for (const hook of t.receiver.received) {
      expect(hook.signed).toBe(true);
      expect(hook.headers['content-type']).toMatch(/^application\/json/);
      expect(hook.headers['giftcard-event-id']).toBe(hook.body.id);
      expect(Math.abs(Number(hook.headers['giftcard-timestamp']) - Date.now() / 1000)).toBeLessThan(10);
      const entry = entries.find((e) => e.id === hook.body.id)!;
      expect(hook.body).toEqual({ id: entry.id, entry_id: entry.entryId, type: 'giftcard_pay_done', received_at: Number(entry.received_at), payload: JSON.parse(entry.payload!) });
    }
    // Nothing is left scheduled once everything is delivered.
    await eventually(async () => {
      expect(await metricsOf(t!.bff)).toContain('merchant_webhook_deliveries_total{outcome="delivered"} 5');
      expect(await t!.bff.db.redis.zcard(t!.bff.db.keys.webhookDue)).toBe(0);
      expect(await t!.bff.db.redis.hlen(t!.bff.db.keys.webhookDeliveries)).toBe(0);
    });
    expect(await metricsOf(t.bff)).toContain('merchant_webhook_attempts_total{outcome="delivered"} 5');
  });

  it('a receiver answering 500 to the first two tries of each event gets each after retries', async () => {
    t = await start((_hook, attempt) => (attempt <= 2 ? 500 : 204));
    for (const fields of orders(4, 'flaky')) await t.push(fields);
    await t.receiver.until(() => t!.receiver.delivered().length === 4);
    for (const id of t.receiver.delivered()) expect(t.receiver.attemptsOf(id)).toBe(3);
    await eventually(async () => {
      const metrics = await metricsOf(t!.bff);
      expect(metrics).toContain('merchant_webhook_attempts_total{outcome="http_error"} 8');
      expect(metrics).toContain('merchant_webhook_attempts_total{outcome="delivered"} 4');
    });
  });

  it('one event that keeps failing does not hold up the others', async () => {
    t = await start((hook) => (hook.body.payload.OrderId === 'stuck-0' ? 503 : 200));
    await t.push(orders(1, 'stuck')[0]!);
    await t.receiver.until(() => t!.receiver.received.length >= 2);
    const started = Date.now();
    for (const fields of orders(5, 'after')) await t.push(fields);
    await t.receiver.until(() => t!.receiver.delivered().length === 5);
    expect(Date.now() - started).toBeLessThan(3000);
    // The failing one waits in Redis (due times in a sorted set), not in the process.
    await eventually(async () => expect(await t!.bff.db.redis.zcard(t!.bff.db.keys.webhookDue)).toBe(1));
  });

  it('a receiver down for some seconds gets every event after it comes back', async () => {
    t = await start();
    await t.receiver.close();
    for (const fields of orders(6, 'down')) await t.push(fields);
    const metricsText = () => fetch(`${t!.bff.origin}/metrics`, { headers: { authorization: `Bearer ${t!.bff.config.metricsToken}` } }).then((r) => r.text());
    for (let i = 0; i < 100 && !/merchant_webhook_attempts_total\{outcome="network"\} ([6-9]|\d\d)/.test(await metricsText()); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1500)); // down a while longer
    await t.receiver.open();
    await t.receiver.until(() => t!.receiver.delivered().length === 6, 15_000);
  });

  it('a receiver that never answers 2xx: the event ends in the failed list; replay (HTTP and CLI) delivers it', async () => {
    let accept = false;
    t = await start(() => (accept ? 200 : 500), { MERCHANT_WEBHOOK_GIVE_UP_S: '1' });
    const [a, b] = orders(2, 'dead');
    await t.push(a!);
    await t.push(b!);
    let failed: Array<{ id: string; type: string; attempts: number; last_error: string; last_attempt_at: number }> = [];
    for (let i = 0; i < 100 && failed.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      failed = ((await (await t.admin('GET', '/webhooks/failed')).json()) as { failed: typeof failed }).failed;
    }
    expect(failed).toHaveLength(2);
    for (const f of failed) {
      expect(f).toMatchObject({ type: 'giftcard_pay_done', last_error: 'HTTP 500' });
      expect(f.attempts).toBeGreaterThan(1);
      expect(f.last_attempt_at).toBeGreaterThan(Date.now() - 10_000);
    }
    expect(await t.bff.db.redis.zcard(t.bff.db.keys.webhookDue)).toBe(0);
    expect(await metricsOf(t.bff)).toContain('merchant_webhook_deliveries_total{outcome="dead"} 2');
    accept = true;

    // One by id over HTTP …
    const replay = await t.admin('POST', '/webhooks/replay', { ids: [failed[0]!.id] });
    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual({ replayed: 1 });
    await t.receiver.until(() => t!.receiver.delivered().length === 1);
    expect(t.receiver.delivered()).toEqual([failed[0]!.id]);

    // … the rest from the command line.
    let stdout = '';
    const io: CliIO = {
      stdin: Object.assign((async function* () {})(), { isTTY: true }),
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: () => true, isTTY: false },
      env: { ADMIN_TOKEN: t.bff.config.adminToken, GC_URL: t.bff.origin },
      fetch,
    };
    expect(await runCli(['webhooks', 'failed'], io)).toBe(0);
    expect(JSON.parse(stdout).failed.map((f: { id: string }) => f.id)).toEqual([failed[1]!.id]);
    stdout = '';
    expect(await runCli(['webhooks', 'replay', 'all:=true'], io)).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ replayed: 1 });
    await t.receiver.until(() => t!.receiver.delivered().length === 2);
    expect(((await (await t.admin('GET', '/webhooks/failed')).json()) as { failed: unknown[] }).failed).toEqual([]);
  });

  it('refuses a replay without ids or all', async () => {
    t = await start();
    for (const body of [{}, { ids: [] }, { ids: 'x' }, { all: false }]) expect((await t.admin('POST', '/webhooks/replay', body)).status).toBe(400);
  });

  it('an event with an unknown enum value is stored in events:unparsed, acknowledged, and delivered as type unparsed', async () => {
    t = await start();
    const fields = { ...TABLE_EVENTS.user_scan_product_verify_action, Result: 'verify_pending' };
    await t.push(fields);
    await t.receiver.until(() => t!.receiver.delivered().length === 1);
    const [entry] = await streamEntries(t.bff, t.bff.db.keys.eventsUnparsed);
    const hook = t.receiver.received[0]!;
    expect(hook.signed).toBe(true);
    expect(hook.body).toEqual({
      id: entry!.id,
      entry_id: entry!.entryId,
      type: 'unparsed',
      received_at: Number(entry!.received_at),
      payload: { ...fields, CreateTime: Number(fields.CreateTime) },
      event: 'user_scan_product_verify_action',
      reason: entry!.reason,
    });
    expect(hook.body.reason).toContain('Result');
  });
});
