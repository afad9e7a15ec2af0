import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseEvent, type WireEventOf } from '@giftcard/shared';
import {
  callbackSignature,
  decryptMessage,
  encryptMessage,
  encryptedReplyXml,
  msgSignature,
  parseEncodingAesKey,
  parseEncryptedEnvelope,
  parsePushXml,
} from '@giftcard/shared/wechat/message';
import { DEMO_SANDBOX_CONFIG, SandboxWorld, startPusher, type SandboxCallbackConfig } from '../src';
import type { OutgoingEvent } from '../src/core/outbox';
import { startSandbox } from '../../bff/test/support/sandbox';

/** What the merchant's server got: one POST of the sandbox. */
interface Received {
  query: Record<string, string>;
  body: string;
  contentType: string | undefined;
}
interface Answer {
  status?: number;
  body?: string;
  delayMs?: number;
}

/** A small callback server standing for the merchant's (not the BFF): records pushes, answers as told. */
async function startReceiver(answer: (req: Received, n: number) => Answer = () => ({})) {
  const requests: Received[] = [];
  let current = 0;
  let peak = 0;
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://receiver');
    const received = { query: Object.fromEntries(url.searchParams), body: Buffer.concat(chunks).toString('utf8'), contentType: req.headers['content-type'] };
    requests.push(received);
    current += 1;
    peak = Math.max(peak, current);
    const a = receiver.answer(received, requests.length);
    if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
    current -= 1;
    if (res.destroyed || res.writableEnded) return;
    res.statusCode = a.status ?? 200;
    res.end(a.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat/callback`,
    requests,
    answer,
    get peakInFlight() {
      return peak;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

const TOKEN = 'pushtoken';
/** WeChat's own sample EncodingAESKey. */
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APPID = DEMO_SANDBOX_CONFIG.serviceAccount.appid;
const ORIGINAL_ID = DEMO_SANDBOX_CONFIG.serviceAccount.originalId;

const payDone = (orderId = 'Z2y2rY74ksZX1ceuGA'): WireEventOf<'giftcard_pay_done'> => ({
  ToUserName: ORIGINAL_ID,
  FromUserName: 'obLatjgoYejavUtHsWwrX-2GtFJE',
  CreateTime: 1472631550,
  MsgType: 'event',
  Event: 'giftcard_pay_done',
  PageId: 'OQK0R3MaFnCm74Phw5hwFJlz5sn+jy1zzM2amDidDbU=',
  OrderId: orderId,
});
const scanned = (extinfo = 'batch7'): OutgoingEvent => ({
  ToUserName: ORIGINAL_ID,
  FromUserName: 'o_user_a',
  CreateTime: 1447848568,
  MsgType: 'event',
  Event: 'user_scan_product',
  KeyStandard: 'ean13',
  KeyStr: '00690087304272',
  Country: '中国',
  Province: '广东',
  City: '广州',
  Sex: 1,
  Scene: 1,
  ExtInfo: extinfo,
});

describe('the sandbox pushes events to the callback URL (001 "Event Push", 002 §10)', () => {
  let receiver: Receiver;
  let world: SandboxWorld;
  const fastRetries = { timeoutMs: 1000, retryDelayMs: 2 };
  const startWorld = (callback: Partial<SandboxCallbackConfig> = {}) => {
    world = new SandboxWorld({ ...DEMO_SANDBOX_CONFIG, callback: { url: receiver.url, token: TOKEN, ...fastRetries, ...callback } });
    return world;
  };
  const delivery = () => world.pusher!.deliveries();

  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    world?.pusher?.stop();
    await receiver.close();
  });

  describe('plain mode', () => {
    it('signs each push with sha1(sort(token, timestamp, nonce)) and sends the event XML as WeChat writes it', async () => {
      startWorld();
      const before = world.clock.now();
      world.outbox.publish(scanned());
      await world.pusher!.idle();
      expect(receiver.requests).toHaveLength(1);
      const [req] = receiver.requests as [Received];
      expect(Object.keys(req.query).sort()).toEqual(['nonce', 'signature', 'timestamp']);
      expect(req.query.signature).toBe(callbackSignature(TOKEN, req.query.timestamp!, req.query.nonce!));
      expect(Number(req.query.timestamp)).toBeGreaterThanOrEqual(before);
      expect(req.query.nonce).toMatch(/^[0-9]{10}$/);
      expect(req.contentType).toMatch(/^text\/xml/);
      // Strings in CDATA (leading zeros kept), integers bare.
      expect(req.body).toContain('<CreateTime>1447848568</CreateTime>');
      expect(req.body).toContain('<KeyStr><![CDATA[00690087304272]]></KeyStr>');
      expect(req.body).toContain('<Sex>1</Sex>');
      const fields = parsePushXml(req.body);
      expect(fields).toEqual({ ok: true, fields: Object.fromEntries(Object.entries(scanned()).map(([k, v]) => [k, String(v)])) });
      expect(parseEvent((fields as { fields: Record<string, string> }).fields)).toMatchObject({ ok: true, event: { Event: 'user_scan_product', CreateTime: 1447848568, Sex: 1 } });
      expect(delivery()).toEqual([
        expect.objectContaining({ event: 'user_scan_product', family: 'ordinary', outcome: 'acked', attempts: [expect.objectContaining({ attempt: 1, status: 200, accepted: true })] }),
      ]);
    });

    it('writes flags bare, as the spec samples do, and the pushed event reads back through the typed events', async () => {
      startWorld();
      receiver.answer = () => ({ body: '<xml>ok</xml>' });
      const event: OutgoingEvent = { ...payDone(), Event: 'giftcard_send_to_friend', IsChatRoom: true, IsReturnBack: false };
      world.outbox.publish(event);
      await world.pusher!.idle();
      expect(receiver.requests[0]!.body).toContain('<IsChatRoom>true</IsChatRoom><IsReturnBack>false</IsReturnBack>');
      const parsed = parsePushXml(receiver.requests[0]!.body);
      expect(parsed.ok && parseEvent(parsed.fields)).toMatchObject({ ok: true, event: { Event: 'giftcard_send_to_friend', IsChatRoom: true, IsReturnBack: false } });
    });

    it('delivers the events that waited in the outbox before the pusher started', async () => {
      world = new SandboxWorld({ ...DEMO_SANDBOX_CONFIG });
      world.outbox.publish(scanned('a'));
      world.outbox.publish(scanned('b'));
      expect(world.pusher).toBeUndefined();
      const pusher = startPusher(world, { url: receiver.url, token: TOKEN, ...fastRetries });
      expect(world.pusher).toBe(pusher);
      await pusher.idle();
      expect(receiver.requests.map((r) => parsePushXml(r.body)).map((p) => p.ok && p.fields.ExtInfo)).toEqual(['a', 'b']);
      expect(world.outbox.drain()).toEqual([]);
    });
  });

  describe('safe mode (EncodingAESKey set)', () => {
    const key = parseEncodingAesKey(AES_KEY);

    it('sends the encrypted envelope with msg_signature; it decrypts, with the Service Account appid, to the event XML', async () => {
      startWorld({ aesKey: AES_KEY });
      receiver.answer = () => ({ body: 'success' });
      world.outbox.publish(scanned());
      await world.pusher!.idle();
      const [req] = receiver.requests as [Received];
      expect(req.query).toMatchObject({ encrypt_type: 'aes' });
      expect(Object.keys(req.query).sort()).toEqual(['encrypt_type', 'msg_signature', 'nonce', 'signature', 'timestamp']);
      const envelope = parseEncryptedEnvelope(req.body);
      if (!envelope.ok) throw new Error(`not an envelope: ${req.body}`);
      expect(Object.keys(envelope.fields)).toEqual(['ToUserName', 'Encrypt']);
      expect(envelope.fields.ToUserName).toBe(ORIGINAL_ID);
      expect(req.query.msg_signature).toBe(msgSignature(TOKEN, req.query.timestamp!, req.query.nonce!, envelope.encrypt));
      expect(req.query.signature).toBe(callbackSignature(TOKEN, req.query.timestamp!, req.query.nonce!));
      const xml = decryptMessage(key, envelope.encrypt, APPID);
      const fields = parsePushXml(xml);
      expect(fields.ok && parseEvent(fields.fields)).toMatchObject({
        ok: true,
        event: { Event: 'user_scan_product', FromUserName: 'o_user_a', CreateTime: 1447848568, KeyStr: '00690087304272', City: '广州', ExtInfo: 'batch7' },
      });
      expect(delivery()[0]).toMatchObject({ outcome: 'acked', attempts: [{ reply: 'success', accepted: true }] });
    });

    it('reads an encrypted <xml>ok</xml> reply to a card event as an acknowledgement', async () => {
      startWorld({ aesKey: AES_KEY });
      receiver.answer = (req) => {
        const encrypt = encryptMessage(key, '<xml>ok</xml>', APPID);
        return { body: encryptedReplyXml({ encrypt, msgSignature: msgSignature(TOKEN, req.query.timestamp!, '123', encrypt), timestamp: req.query.timestamp!, nonce: '123' }) };
      };
      world.outbox.publish(payDone());
      await world.pusher!.idle();
      expect(delivery()[0]).toMatchObject({ family: 'card', outcome: 'acked', attempts: [{ reply: '<xml>ok</xml>', accepted: true }] });
    });

    it('does not take an encrypted reply with a wrong MsgSignature, or for another appid, as an acknowledgement', async () => {
      startWorld({ aesKey: AES_KEY });
      receiver.answer = (_req, n) => {
        const encrypt = encryptMessage(key, '<xml>ok</xml>', n === 1 ? APPID : 'wxanotherappid');
        const signature = n === 1 ? 'f'.repeat(40) : msgSignature(TOKEN, '1', '2', encrypt);
        return { body: encryptedReplyXml({ encrypt, msgSignature: signature, timestamp: '1', nonce: '2' }) };
      };
      world.outbox.publish(payDone());
      await until(() => delivery()[0]!.attempts.length >= 2);
      world.pusher!.stop();
      expect(delivery()[0]!.attempts.slice(0, 2)).toEqual([
        expect.objectContaining({ status: 200, accepted: false, error: 'encrypted reply: MsgSignature does not match' }),
        expect.objectContaining({ status: 200, accepted: false, error: 'encrypted reply does not decrypt: appid_mismatch' }),
      ]);
    });
  });

  describe("WeChat's retries", () => {
    it('retries an ordinary event exactly 3 times when the receiver answers 500, then gives up', async () => {
      startWorld();
      receiver.answer = () => ({ status: 500, body: 'oops' });
      world.outbox.publish(scanned());
      await world.pusher!.idle();
      await new Promise((r) => setTimeout(r, 50));
      expect(receiver.requests).toHaveLength(4);
      const [d] = delivery();
      expect(d).toMatchObject({ family: 'ordinary', maxAttempts: 4, outcome: 'gave_up' });
      expect(d!.attempts.map((a) => [a.attempt, a.status, a.error])).toEqual([1, 2, 3, 4].map((n) => [n, 500, 'HTTP 500']));
      // Every attempt is the same event, signed afresh.
      expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);
      for (const r of receiver.requests) expect(r.query.signature).toBe(callbackSignature(TOKEN, r.query.timestamp!, r.query.nonce!));
    });

    it('stops retrying an ordinary event answered with an empty string (001)', async () => {
      startWorld();
      receiver.answer = () => ({ status: 200, body: '' });
      world.outbox.publish(scanned());
      await world.pusher!.idle();
      await new Promise((r) => setTimeout(r, 30));
      expect(receiver.requests).toHaveLength(1);
      expect(delivery()[0]).toMatchObject({ outcome: 'acked', attempts: [{ status: 200, reply: '', accepted: true }] });
    });

    it('retries a gift card event until the reply is <xml>ok</xml>: 5 failures then ok is 6 attempts', async () => {
      startWorld();
      const failures: Answer[] = [{ status: 500 }, { body: '' }, { body: 'success' }, { status: 503, body: '<xml>ok</xml>' }, { body: '<xml>no</xml>' }];
      receiver.answer = (_req, n) => failures[n - 1] ?? { body: '\n  <xml>ok</xml>\n' };
      world.outbox.publish(payDone());
      await world.pusher!.idle();
      expect(receiver.requests).toHaveLength(6);
      const [d] = delivery();
      expect(d).toMatchObject({ family: 'card', maxAttempts: 30, outcome: 'acked' });
      expect(d!.attempts.map((a) => a.error ?? 'ok')).toEqual(['HTTP 500', 'reply is not <xml>ok</xml>', 'reply is not <xml>ok</xml>', 'HTTP 503', 'reply is not <xml>ok</xml>', 'ok']);
    });

    it('gives a gift card event up after 30 attempts', async () => {
      startWorld({ retryDelayMs: 0 });
      receiver.answer = () => ({ body: 'success' });
      world.outbox.publish(payDone());
      await world.pusher!.idle();
      await new Promise((r) => setTimeout(r, 30));
      expect(receiver.requests).toHaveLength(30);
      expect(delivery()[0]).toMatchObject({ outcome: 'gave_up', maxAttempts: 30 });
      expect(delivery()[0]!.attempts).toHaveLength(30);
    });

    it('counts a receiver slower than the timeout as a failure', async () => {
      startWorld({ timeoutMs: 100 });
      receiver.answer = (_req, n) => (n === 1 ? { delayMs: 400, body: '' } : { body: '' });
      world.outbox.publish(scanned());
      await world.pusher!.idle();
      expect(receiver.requests).toHaveLength(2);
      const [first, second] = delivery()[0]!.attempts;
      expect(first).toMatchObject({ accepted: false, error: 'no answer within 100 ms' });
      expect(first!.status).toBeUndefined();
      expect(first!.durationMs).toBeLessThan(400);
      expect(second).toMatchObject({ accepted: true, status: 200 });
    });

    it('spaces retries as configured, or with a function', async () => {
      const waits: [number, string, string][] = [];
      world = new SandboxWorld({ ...DEMO_SANDBOX_CONFIG });
      startPusher(world, { url: receiver.url, token: TOKEN }, { retryDelay: (n, e, family) => (waits.push([n, e.Event, family]), 1) });
      receiver.answer = (_req, n) => (n < 3 ? { status: 500 } : { body: '<xml>ok</xml>' });
      world.outbox.publish(payDone());
      await world.pusher!.idle();
      expect(waits).toEqual([
        [1, 'giftcard_pay_done', 'card'],
        [2, 'giftcard_pay_done', 'card'],
      ]);
    });
  });

  describe('concurrency', () => {
    it('delivers events independently: a slow answer does not hold up the others', async () => {
      startWorld({ timeoutMs: 2000 });
      receiver.answer = (req) => (parsePushXml(req.body).ok && req.body.includes('slow') ? { delayMs: 300, body: '' } : { body: '' });
      world.outbox.publish(scanned('slow'));
      world.outbox.publish(scanned('fast'));
      await until(() => delivery()[1]?.outcome === 'acked');
      expect(delivery()[0]!.outcome).toBe('pending');
      await world.pusher!.idle();
      expect(delivery().map((d) => d.outcome)).toEqual(['acked', 'acked']);
    });

    it('keeps at most maxInFlight attempts in flight, and delivers the rest as slots free up', async () => {
      world = new SandboxWorld({ ...DEMO_SANDBOX_CONFIG });
      startPusher(world, { url: receiver.url, token: TOKEN, timeoutMs: 2000, retryDelayMs: 1 }, { maxInFlight: 3 });
      receiver.answer = () => ({ delayMs: 40, body: '' });
      for (let i = 0; i < 12; i++) world.outbox.publish(scanned(`e${i}`));
      await world.pusher!.idle();
      expect(receiver.requests).toHaveLength(12);
      expect(receiver.peakInFlight).toBe(3);
      expect(delivery().every((d) => d.outcome === 'acked')).toBe(true);
    });

    it('stop() aborts what is in flight and leaves later events in the outbox', async () => {
      startWorld({ timeoutMs: 5000 });
      receiver.answer = () => ({ delayMs: 1000 });
      world.outbox.publish(scanned('a'));
      await until(() => receiver.requests.length === 1);
      const pusher = world.pusher!;
      pusher.stop();
      await pusher.idle();
      expect(pusher.deliveries()[0]).toMatchObject({ outcome: 'stopped' });
      world.outbox.publish(scanned('b'));
      expect(world.outbox.drain()).toHaveLength(1);
    });
  });

  describe('the delivery log over HTTP', () => {
    it('GET /sandbox/_control/pushes lists deliveries; POST …/pushes/idle waits for them to settle', async () => {
      const sandbox = await startSandbox({ callback: { url: receiver.url, token: TOKEN, ...fastRetries } });
      try {
        receiver.answer = (_req, n) => (n === 1 ? { status: 500 } : { body: '<xml>ok</xml>' });
        sandbox.world.outbox.publish(payDone());
        sandbox.world.outbox.publish(scanned());
        const idle = await sandbox.control<{ idle: boolean; pending: number; deliveries: unknown[] }>('pushes/idle', { timeoutMs: 5000 });
        expect(idle).toMatchObject({ idle: true, pending: 0, deliveries: [expect.anything(), expect.anything()] });
        const res = await fetch(`${sandbox.apiBase}/_control/pushes?event=giftcard_pay_done`);
        const log = (await res.json()) as { configured: boolean; mode: string; url: string; deliveries: { event: string; outcome: string; attempts: unknown[]; payload: unknown }[] };
        expect(log).toMatchObject({ configured: true, mode: 'plain', url: receiver.url });
        expect(log.deliveries).toHaveLength(1);
        expect(log.deliveries[0]).toMatchObject({ event: 'giftcard_pay_done', outcome: 'acked', payload: payDone() });
        expect(log.deliveries[0]!.attempts).toHaveLength(2);
      } finally {
        sandbox.world.pusher?.stop();
        await sandbox.close();
      }
    });

    it('without a callback URL events wait in the outbox, and the log says so', async () => {
      const sandbox = await startSandbox();
      try {
        sandbox.world.outbox.publish(scanned());
        const log = await (await fetch(`${sandbox.apiBase}/_control/pushes`)).json();
        expect(log).toEqual({ configured: false, pending: 0, deliveries: [] });
        expect(await sandbox.control('pushes/idle')).toMatchObject({ idle: true, configured: false });
        expect(sandbox.world.outbox.drain()).toHaveLength(1);
        expect(receiver.requests).toHaveLength(0);
      } finally {
        await sandbox.close();
      }
    });
  });

  it('refuses a malformed EncodingAESKey at start', () => {
    expect(() => startWorld({ aesKey: 'short' })).toThrow(/bad_key/);
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
