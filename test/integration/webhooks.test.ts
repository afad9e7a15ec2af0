import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { GiftCardOrder } from '@giftcard/shared';
import { TABLE_EVENTS } from '../../shared/test/fixtures/event-samples';
import { startBff } from '../../bff/test/support/app';
import { openShop } from '../../bff/test/support/giftcards';
import { post, signedPush } from '../../bff/test/support/push';
import { startReceiver } from '../../bff/test/support/receiver';
import { testRedis } from '../../bff/test/support/redis';
import type { TestSandbox } from '../../bff/test/support/sandbox';
import { freePort } from '../support/free-port';

const SECRET = 'integration-webhook-secret-'.padEnd(48, 'w');
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const root = path.resolve(__dirname, '../..');

function fieldsOf(flat: string[]): Record<string, string> & { id: string; type: string; received_at: string; payload: string } {
  return Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i]!, flat[2 * i + 1]!])) as ReturnType<typeof fieldsOf>;
}

/**
 * The whole path, nothing stubbed: a sandbox user buys, gives the order to a friend who accepts it →
 * the sandbox pushes each event (signed, encrypted in safe mode) → the callback stores it → the
 * `webhooks` group → a signed POST to a receiver the test runs.
 */
describe.each([
  ['plain mode', {}],
  ['safe mode', { WECHAT_AES_KEY: AES_KEY }],
])('merchant webhooks for a sandbox purchase, gift and acceptance, %s', (_mode, env) => {
  it('every stored event arrives once, signed, with the entry as its body', async () => {
    const receiver = await startReceiver(SECRET);
    const bff = await startBff({ ...env, MERCHANT_WEBHOOK_URL: receiver.url, MERCHANT_WEBHOOK_SECRET: SECRET, MERCHANT_WEBHOOK_RETRY_MS: '50' }, { pushRetryDelayMs: 20, webhooks: true });
    try {
      const shop = await openShop(bff.wechat, bff as unknown as TestSandbox, [{ price: 5000 }]);
      const order = await bff.control<GiftCardOrder>('shelves/buy', { openid: 'o_buyer', page_id: shop.pageId, items: [{ card_id: shop.cardIds[0], count: 2 }] });
      await bff.control('orders/send', { order_id: order.order_id, openid: 'o_buyer' });
      await bff.control('orders/accept', { order_id: order.order_id, openid: 'o_friend' });
      await bff.pusher!.idle();
      const entries = (await bff.db.redis.xrange(bff.db.keys.events, '-', '+')).map(([entryId, f]) => ({ entryId, ...fieldsOf(f) }));
      expect(entries.map((e) => e.type)).toEqual(expect.arrayContaining(['giftcard_pay_done', 'giftcard_send_to_friend', 'giftcard_user_accept', 'user_get_card']));
      await receiver.until(() => receiver.delivered().length === entries.length, 15_000, 'every event');
      expect(receiver.received).toHaveLength(entries.length);
      for (const entry of entries) {
        const hook = receiver.received.find((r) => r.body.id === entry.id)!;
        expect(hook.signed).toBe(true);
        expect(hook.headers['giftcard-event-id']).toBe(entry.id);
        expect(hook.body).toEqual({ id: entry.id, entry_id: entry.entryId, type: entry.type, received_at: Number(entry.received_at), payload: JSON.parse(entry.payload!) });
      }
      expect(receiver.received.find((r) => r.body.type === 'giftcard_user_accept')!.body.payload).toMatchObject({ FromUserName: 'o_friend', OrderId: order.order_id });
    } finally {
      await bff.close();
      await receiver.close();
    }
  });
});

/** A BFF process (`bff/src/main.ts`, compiled on the fly) of its own, on its own port, sharing the test's Redis prefix. */
async function startBffProcess(prefix: string, webhookUrl: string): Promise<{ origin: string; child: ChildProcess; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, 'test/support/run-ts.js'), 'bff/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      REDIS_PREFIX: prefix,
      SANDBOX: '0',
      WECHAT_APPID: 'wx_webhook_test',
      WECHAT_APPSECRET: 'secret',
      WECHAT_TOKEN: 'token123',
      WXA_APPID: 'wx_mini',
      WXA_SECRET: 'secret',
      ADMIN_TOKEN: 'a'.repeat(20),
      SESSION_SECRET: 's'.repeat(40),
      WECHAT_API_BASE: 'http://127.0.0.1:9',
      MERCHANT_WEBHOOK_URL: webhookUrl,
      MERCHANT_WEBHOOK_SECRET: SECRET,
      MERCHANT_WEBHOOK_RETRY_MS: '50',
      MERCHANT_WEBHOOK_TIMEOUT_MS: '1500',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`BFF process exited ${child.exitCode}: ${output}`);
    const ok = await fetch(`${origin}/healthz`).then((r) => r.ok, () => false);
    if (ok) return { origin, child, output: () => output };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`BFF process did not start: ${output}`);
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('merchant webhooks across BFF processes', () => {
  it('a BFF process killed mid-delivery loses nothing: a second process takes its deliveries', async () => {
    const db = await testRedis();
    let hold = true;
    // While `hold`, the receiver takes each request and never answers: every delivery is in flight.
    const receiver = await startReceiver(SECRET, () => (hold ? 'hang' : 200));
    const children: ChildProcess[] = [];
    try {
      const a = await startBffProcess(db.prefix, receiver.url);
      children.push(a.child);
      const events = Array.from({ length: 12 }, (_, i) => ({ ...TABLE_EVENTS.user_scan_product, ExtInfo: `killed-${i}` }));
      for (const fields of events) {
        const p = signedPush({ origin: a.origin, token: 'token123' }, fields);
        expect((await post(p.url, p.body)).status).toBe(200);
      }
      await receiver.until(() => receiver.received.length === events.length, 10_000, 'the first process to start every delivery');
      a.child.kill('SIGKILL');
      await exited(a.child);
      await receiver.close(); // the held connections go with the process; a fresh port state for the second
      hold = false;
      await receiver.open();
      const b = await startBffProcess(db.prefix, receiver.url);
      children.push(b.child);
      await receiver.until(() => receiver.delivered().length === events.length, 15_000, 'the second process to deliver what the first left');
      expect(receiver.received.every((r) => r.signed)).toBe(true);
      const ids = new Set(receiver.delivered());
      const stored = await db.redis.xrange(db.keys.events, '-', '+');
      expect(stored.map(([, f]) => fieldsOf(f).id).filter((id) => !ids.has(id!))).toEqual([]);
      for (let i = 0; i < 100 && (await db.redis.hlen(db.keys.webhookDeliveries)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await db.redis.hlen(db.keys.webhookDeliveries)).toBe(0);
    } finally {
      for (const c of children) {
        c.kill('SIGKILL');
        await exited(c);
      }
      await receiver.close();
      await db.cleanup();
    }
  }, 40_000);
});
