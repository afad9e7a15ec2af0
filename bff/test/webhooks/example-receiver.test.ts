import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { SAMPLES } from '../../../shared/test/fixtures/event-samples';
import { signWebhook } from '../../src/webhooks/signature';
import { startBff } from '../support/app';
import { post, signedPush } from '../support/push';

const SECRET = 'example-receiver-secret-'.padEnd(40, 'e');
const script = path.resolve(__dirname, '../../../examples/merchant-webhook/index.js');

/** `node examples/merchant-webhook/index.js` as a merchant runs it, on a free port. */
async function startExample(env: Record<string, string> = {}) {
  const child: ChildProcess = spawn(process.execPath, [script], { env: { ...process.env, MERCHANT_WEBHOOK_SECRET: SECRET, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  const url = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += d;
      const m = /listening (\S+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`example exited ${code}: ${stderr}`)));
  });
  return {
    url,
    events: () => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; type: string }),
    stop: () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM')))),
  };
}

describe('examples/merchant-webhook (the runnable receiver)', () => {
  let example: Awaited<ReturnType<typeof startExample>>;
  beforeAll(async () => {
    example = await startExample();
  });
  afterAll(() => example.stop());

  const body = (id: string) => JSON.stringify({ id, entry_id: '1-0', type: 'giftcard_pay_done', received_at: 1, payload: { OrderId: 'Z1' } });
  const send = (raw: string, id: string, timestamp: number, signature = signWebhook(SECRET, timestamp, raw)) =>
    fetch(example.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'giftcard-event-id': id, 'giftcard-timestamp': String(timestamp), 'giftcard-signature': signature },
      body: raw,
    });
  const now = () => Math.floor(Date.now() / 1000);

  it('accepts a signed event once, and answers a duplicate 2xx without handling it again', async () => {
    expect((await send(body('ev-1'), 'ev-1', now())).status).toBe(200);
    const again = await send(body('ev-1'), 'ev-1', now());
    expect([again.status, await again.text()]).toEqual([200, 'duplicate']);
    expect(example.events().map((e) => e.id)).toEqual(['ev-1']);
  });

  it('refuses a wrong signature', async () => {
    for (const signature of [signWebhook('another-secret-'.padEnd(40, 'x'), now(), body('ev-2')), 'v1=' + '0'.repeat(64), '', 'v0=abc']) {
      expect((await send(body('ev-2'), 'ev-2', now(), signature)).status).toBe(401);
    }
    // A body changed after signing.
    const ts = now();
    expect((await send(body('ev-2').replace('Z1', 'Z2'), 'ev-2', ts, signWebhook(SECRET, ts, body('ev-2')))).status).toBe(401);
    expect(example.events().map((e) => e.id)).not.toContain('ev-2');
  });

  it('refuses a stale (or future) timestamp, even correctly signed', async () => {
    // Future: 305, not 301 (a second passing before the check would bring it back inside, rightly).
    for (const ts of [now() - 301, now() - 3600, now() + 305]) {
      const res = await send(body('ev-3'), 'ev-3', ts);
      expect([res.status, await res.text()]).toEqual([401, 'timestamp outside 300 s of now']);
    }
    expect((await send(body('ev-3'), 'ev-3', now() - 200)).status).toBe(200);
  });

  it('takes the BFF\'s own webhooks', async () => {
    const bff = await startBff({ MERCHANT_WEBHOOK_URL: example.url, MERCHANT_WEBHOOK_SECRET: SECRET }, { webhooks: true });
    try {
      const p = signedPush({ origin: bff.origin, token: bff.config.wechatToken }, { ...SAMPLES.giftcard_pay_done, OrderId: 'to-the-example' });
      expect((await post(p.url, p.body)).status).toBe(200);
      for (let i = 0; i < 200 && !example.events().some((e) => e.id.includes('to-the-example')); i++) await new Promise((r) => setTimeout(r, 25));
      expect(example.events().find((e) => e.id.includes('to-the-example'))).toMatchObject({ type: 'giftcard_pay_done' });
    } finally {
      await bff.close();
    }
  });
});
