import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { CARD_EVENT_NAMES } from '@giftcard/shared';
import { SAMPLES, TABLE_EVENTS } from '../../../shared/test/fixtures/event-samples';
import { AntiCounterfeitRegistry } from '../../src/services/anti-counterfeit';
import { encryptMessage, msgSignature, parseEncodingAesKey, writeXml } from '@giftcard/shared/wechat/message';
import { startBff } from '../support/app';
import { openReply, post, signedPush, type PushTarget } from '../support/push';

const ALL_EVENTS: Record<string, Record<string, string>> = { ...SAMPLES, ...TABLE_EVENTS };
const CARD = new Set<string>(CARD_EVENT_NAMES);
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

async function entries(bff: Awaited<ReturnType<typeof startBff>>) {
  const raw = await bff.db.redis.xrange(bff.db.keys.events, '-', '+');
  return raw.map(([, f]) => Object.fromEntries(Array.from({ length: f.length / 2 }, (_, i) => [f[2 * i]!, f[2 * i + 1]!])));
}

describe.each([
  ['plain mode', false],
  ['safe mode (AES)', true],
])('WeChat callback, %s', (_mode, safe) => {
  let bff: Awaited<ReturnType<typeof startBff>>;
  let target: PushTarget;
  beforeEach(async () => {
    bff = await startBff(safe ? { WECHAT_AES_KEY: AES_KEY } : {});
    target = { origin: bff.origin, token: bff.config.wechatToken, aes: safe ? { encodingAesKey: AES_KEY, appid: bff.config.wechatAppid } : undefined };
  });
  afterEach(() => bff.close());

  const plainReply = (body: string) => (safe && body !== 'success' ? openReply(target, body) : body);

  it.each(Object.keys(ALL_EVENTS))('stores %s once with the contract fields and acknowledges it', async (name) => {
    const fields = ALL_EVENTS[name]!;
    const push = signedPush(target, fields);
    const res = await post(push.url, push.body);
    expect(res.status).toBe(200);
    const reply = plainReply(res.body);
    if (CARD.has(name)) expect(reply).toBe('<xml>ok</xml>');
    else if (name === 'scan_product_callback') expect(reply).toContain('<CodeResult><![CDATA[not_active]]></CodeResult>');
    else expect(res.body).toBe('success');
    const stored = await entries(bff);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ type: name, id: expect.stringContaining(`${fields.FromUserName}|${fields.CreateTime}|${name}`) });
    expect(Number(stored[0]!.received_at)).toBeGreaterThan(Date.now() - 60_000);
    const payload = JSON.parse(stored[0]!.payload!);
    expect(payload).toMatchObject({ Event: name, FromUserName: fields.FromUserName, CreateTime: Number(fields.CreateTime) });
    // A retry (WeChat re-sends the same push, signed anew) stores nothing and gets the same answer.
    const retry = signedPush(target, fields);
    const again = await post(retry.url, retry.body);
    expect(again.status).toBe(200);
    expect(plainReply(again.body).replace(/<CreateTime>\d+<\/CreateTime>/, '')).toBe(reply.replace(/<CreateTime>\d+<\/CreateTime>/, ''));
    expect(await entries(bff)).toHaveLength(1);
  });

  it('answers scan_product_callback from the anti-counterfeit registry', async () => {
    const registry = new AntiCounterfeitRegistry(bff.db.redis, bff.db.keys);
    const sample = SAMPLES.scan_product_callback;
    await registry.import(sample.KeyStandard, sample.KeyStr, [{ extinfo: sample.ExtInfo, result: 'real' }, { extinfo: 'copy', result: 'fake' }]);
    for (const [extinfo, expected] of [[sample.ExtInfo, 'real'], ['copy', 'fake'], ['never-made', 'not_active']] as const) {
      const push = signedPush(target, { ...sample, ExtInfo: extinfo });
      const res = await post(push.url, push.body);
      const reply = plainReply(res.body);
      expect(reply).toMatch(new RegExp(`^<xml><ToUserName><!\\[CDATA\\[${sample.FromUserName}\\]\\]></ToUserName><FromUserName><!\\[CDATA\\[${sample.ToUserName}\\]\\]></FromUserName><CreateTime>\\d+</CreateTime><MsgType><!\\[CDATA\\[scanproduct\\]\\]></MsgType><ScanProduct>`));
      expect(reply).toContain(`<ExtInfo><![CDATA[${extinfo}]]></ExtInfo><AntiFake><CodeResult><![CDATA[${expected}]]></CodeResult></AntiFake></ScanProduct></xml>`);
    }
  });

  it('keeps two different pushes of one user in one second, and a push WeChat does not document', async () => {
    const base = SAMPLES.giftcard_pay_done;
    for (const fields of [base, { ...base, OrderId: 'another-order' }, { ...base, MsgType: 'text', Event: '', Content: '你好', MsgId: '1234567890123456' }]) {
      const push = signedPush(target, fields);
      expect((await post(push.url, push.body)).status).toBe(200);
    }
    const stored = await entries(bff);
    expect(stored.map((e) => e.type)).toEqual(['giftcard_pay_done', 'giftcard_pay_done', 'text']);
  });

  // An authentic push is never lost (CONTRACT.md "Hardening"): WeChat would retry a refused card event 30
  // times and then drop it. Stored as received, with the reason, and acknowledged as its family is.
  it.each([
    ['giftcard_send_to_friend', { ...SAMPLES.giftcard_send_to_friend, IsChatRoom: 'maybe' }, 'IsChatRoom', '<xml>ok</xml>'],
    ['user_scan_product_verify_action', { ...TABLE_EVENTS.user_scan_product_verify_action, Result: 'verify_later' }, 'Result', 'success'],
    ['scan_product_callback', { ...SAMPLES.scan_product_callback, NeedAntiFake: 'perhaps' }, 'NeedAntiFake', '<CodeResult><![CDATA[not_active]]></CodeResult>'],
  ] as const)('stores a signed %s whose fields fail the schema in events:unparsed with the reason, acknowledges it, once', async (name, fields, field, ack) => {
    for (let i = 0; i < 2; i++) {
      const push = signedPush(target, fields as Record<string, string>);
      const res = await post(push.url, push.body);
      expect(res.status).toBe(200);
      expect(plainReply(res.body)).toContain(ack);
    }
    expect(await bff.db.redis.xlen(bff.db.keys.events)).toBe(0);
    const raw = await bff.db.redis.xrange(`${bff.db.prefix}events:unparsed`, '-', '+');
    expect(raw).toHaveLength(1);
    const f = raw[0]![1];
    const stored = Object.fromEntries(Array.from({ length: f.length / 2 }, (_, i) => [f[2 * i]!, f[2 * i + 1]!]));
    expect(stored).toMatchObject({ type: 'unparsed', event: name, id: expect.stringContaining(`${fields.FromUserName}|${fields.CreateTime}|${name}|`) });
    expect(stored.reason).toContain(field);
    expect(JSON.parse(stored.payload!)).toEqual({ ...fields, CreateTime: Number(fields.CreateTime) });
    const metrics = await (await fetch(`${bff.origin}/metrics`, { headers: { authorization: `Bearer ${bff.config.metricsToken}` } })).text();
    expect(metrics).toContain(`wechat_pushes_total{outcome="unparsed",type="${name}"} 1`);
    expect(metrics).toContain(`wechat_pushes_total{outcome="duplicate",type="${name}"} 1`);
  });

  it('refuses a forged signature with 401 and stores nothing', async () => {
    const push = signedPush({ ...target, token: 'not-the-token' }, SAMPLES.giftcard_pay_done);
    expect(await post(push.url, push.body)).toEqual({ status: 401, body: '' });
    expect(await entries(bff)).toHaveLength(0);
  });

  it('refuses a malformed push with 400 and stores nothing', async () => {
    const { CreateTime: _omit, ...noTime } = SAMPLES.giftcard_pay_done;
    for (const fields of [noTime, { ...SAMPLES.giftcard_pay_done, CreateTime: 'yesterday' }]) {
      const push = signedPush(target, fields as Record<string, string>);
      expect((await post(push.url, push.body)).status).toBe(400);
    }
    expect(await entries(bff)).toHaveLength(0);
  });
});

describe('WeChat callback, safe mode refusals', () => {
  let bff: Awaited<ReturnType<typeof startBff>>;
  const key = parseEncodingAesKey(AES_KEY);
  beforeAll(async () => {
    bff = await startBff({ WECHAT_AES_KEY: AES_KEY });
  });
  afterAll(() => bff.close());

  function encryptedPush(encrypt: string, signature?: string) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(4).toString('hex');
    const sig = signature ?? msgSignature(bff.config.wechatToken, timestamp, nonce, encrypt);
    return post(`${bff.origin}/wechat/callback?timestamp=${timestamp}&nonce=${nonce}&encrypt_type=aes&msg_signature=${sig}`, writeXml({ ToUserName: 'gh_x', Encrypt: encrypt }));
  }
  const xml = writeXml(SAMPLES.giftcard_pay_done);

  it('wrong msg_signature: 401', async () => {
    expect((await encryptedPush(encryptMessage(key, xml, bff.config.wechatAppid), 'f'.repeat(40))).status).toBe(401);
  });
  it('another AppId in the trailer: 401', async () => {
    expect((await encryptedPush(encryptMessage(key, xml, 'wx_someone_else'))).status).toBe(401);
  });
  it('bad padding: 400', async () => {
    const good = Buffer.from(encryptMessage(key, xml, bff.config.wechatAppid), 'base64');
    // Flip the last byte of the next-to-last block: CBC carries it into the final block's padding.
    good[good.length - 17]! ^= 0x55;
    expect((await encryptedPush(good.toString('base64'))).status).toBe(400);
  });
  it('a plain push while safe mode is configured: 401 (no downgrade)', async () => {
    const push = signedPush({ origin: bff.origin, token: bff.config.wechatToken }, SAMPLES.giftcard_pay_done);
    expect((await post(push.url, push.body)).status).toBe(401);
  });
  it('stored none of the refused pushes', async () => {
    expect(await bff.db.redis.exists(bff.db.keys.events)).toBe(0);
  });
});

describe('WeChat callback, hostile bodies and the GET verification', () => {
  let bff: Awaited<ReturnType<typeof startBff>>;
  let target: PushTarget;
  beforeAll(async () => {
    bff = await startBff();
    target = { origin: bff.origin, token: bff.config.wechatToken };
  });
  afterAll(() => bff.close());

  it('GET answers echostr only for a valid signature', async () => {
    const push = signedPush(target, {});
    const url = new URL(push.url);
    url.searchParams.set('echostr', 'hello123');
    const ok = await fetch(url);
    expect([ok.status, await ok.text()]).toEqual([200, 'hello123']);
    url.searchParams.set('signature', '0'.repeat(40));
    expect((await fetch(url)).status).toBe(401);
  });

  /** One request over a raw socket, its request line as given (fetch always sends the origin form): the status. */
  async function rawPost(requestTarget: string, body: string): Promise<number> {
    const { port } = new URL(bff.origin);
    const socket = connect(Number(port), '127.0.0.1');
    socket.write(`POST ${requestTarget} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    let answer = '';
    for await (const chunk of socket) answer += String(chunk);
    expect(answer).toMatch(/^HTTP\/1\.1 \d{3} /);
    return Number(answer.slice(9, 12));
  }

  it('takes the path and query from the request line, in origin and in absolute form, and nothing beside its path', async () => {
    const signed = () => {
      const push = signedPush(target, { ...SAMPLES.giftcard_pay_done, OrderId: `route-${randomBytes(4).toString('hex')}` });
      return { ...push, search: new URL(push.url).search };
    };
    const origin = signed();
    expect(await rawPost(`/wechat/callback${origin.search}`, origin.body)).toBe(200);
    const absolute = signed();
    expect(await rawPost(`${bff.origin}/wechat/callback${absolute.search}`, absolute.body)).toBe(200);
    const beside = signed();
    for (const path of ['/wechat/callbackx', '/wechat/callback/', '/wechat/call']) expect(await rawPost(`${path}${beside.search}`, beside.body)).toBe(404);
    expect(await rawPost('/wechat/callback', origin.body)).toBe(401);
    expect(await bff.db.redis.xlen(bff.db.keys.events)).toBe(2);
    await bff.db.redis.del(bff.db.keys.events);
  });

  const deep = `<xml>${'<a>'.repeat(50)}x${'</a>'.repeat(50)}</xml>`;
  const hostile: Array<[string, string, number]> = [
    ['oversized (> 64 KiB)', `<xml><Content><![CDATA[${'x'.repeat(70 * 1024)}]]></Content></xml>`, 413],
    ['DOCTYPE', '<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><ToUserName>&a;</ToUserName></xml>', 400],
    ['billion laughs', `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><xml><a>&lol2;</a></xml>`, 400],
    ['deeply nested', deep, 400],
    ['__proto__ tag', '<xml><__proto__><polluted>1</polluted></__proto__><FromUserName>o</FromUserName></xml>', 400],
    ['truncated', '<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUser', 400],
    ['not XML', '{"Event":"giftcard_pay_done"}', 400],
  ];

  it.each(hostile)('refuses %s in under 100 ms, storing nothing', async (_name, body, status) => {
    const push = signedPush(target, {});
    // The fastest of three: a body that is slow to refuse (an expanded entity, a runaway parse) is slow
    // every time, while one scheduler stall of a busy 2-core test run must not fail the suite.
    const took: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const res = await post(push.url, body);
      took.push(performance.now() - started);
      expect(res.status).toBe(status);
    }
    expect(Math.min(...took)).toBeLessThan(100);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await bff.db.redis.exists(bff.db.keys.events)).toBe(0);
  });

  it('keeps memory steady under a stream of hostile bodies', async () => {
    const push = signedPush(target, {});
    const round = () => Promise.all(hostile.map(([, body]) => post(push.url, body)));
    for (let i = 0; i < 20; i++) await round();
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 100; i++) await round();
    global.gc?.();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(32 * 1024 * 1024);
  });

  it('1,000 distinct pushes, each delivered 3 times concurrently: exactly 1,000 entries', async () => {
    const pushes = Array.from({ length: 1000 }, (_, i) => ({ ...SAMPLES.giftcard_pay_done, OrderId: `order-${i}` }));
    const deliveries = pushes.flatMap((f) => [signedPush(target, f), signedPush(target, f), signedPush(target, f)]);
    const results: Array<{ status: number; body: string }> = [];
    for (let i = 0; i < deliveries.length; i += 300) {
      results.push(...(await Promise.all(deliveries.slice(i, i + 300).map((d) => post(d.url, d.body)))));
    }
    expect(results.every((r) => r.status === 200 && r.body === '<xml>ok</xml>')).toBe(true);
    expect(await bff.db.redis.xlen(bff.db.keys.events)).toBe(1000);
  }, 60_000);
});
