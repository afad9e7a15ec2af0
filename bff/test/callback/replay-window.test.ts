import { SAMPLES } from '../../../shared/test/fixtures/event-samples';
import { loadConfig } from '../../src/config';
import { startBff } from '../support/app';
import { openReply, post, signedPush, type PushTarget } from '../support/push';

const NEW_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const OLD_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
const OTHER_KEY = 'q'.repeat(43);
const DAY = 24 * 3600;
const nowS = () => Math.floor(Date.now() / 1000);

async function stored(bff: Awaited<ReturnType<typeof startBff>>) {
  return bff.db.redis.xlen(bff.db.keys.events);
}

describe.each([
  ['plain mode', false],
  ['safe mode (AES)', true],
])('the callback replay window, %s', (_mode, safe) => {
  let bff: Awaited<ReturnType<typeof startBff>>;
  let target: PushTarget;
  beforeEach(async () => {
    bff = await startBff(safe ? { WECHAT_AES_KEY: NEW_KEY } : {});
    target = { origin: bff.origin, token: bff.config.wechatToken, aes: safe ? { encodingAesKey: NEW_KEY, appid: bff.config.wechatAppid } : undefined };
  });
  afterEach(() => bff.close());

  it.each([
    ['400 days in the past', -400 * DAY],
    ['400 days in the future', 400 * DAY],
    ['301 s in the past', -301],
    // Not 301: a second that passes between signing and the check (the sandbox's clock is read over
    // HTTP then) brings a future date back inside the window, as it should.
    ['305 s in the future', 305],
  ])('refuses a validly signed push dated %s (401), stores nothing and counts it', async (_when, offset) => {
    const push = signedPush(target, SAMPLES.giftcard_pay_done, { timestamp: String(nowS() + offset) });
    expect(await post(push.url, push.body)).toEqual({ status: 401, body: '' });
    expect(await stored(bff)).toBe(0);
    const metrics = await (await fetch(`${bff.origin}/metrics`, { headers: { authorization: `Bearer ${bff.config.metricsToken}` } })).text();
    expect(metrics).toContain('wechat_pushes_total{outcome="refused",type="stale_timestamp"} 1');
  });

  it('refuses a timestamp that is not a number of seconds', async () => {
    for (const timestamp of ['soon', '1e9', `${nowS()}.5`, '-1']) {
      const push = signedPush(target, SAMPLES.giftcard_pay_done, { timestamp });
      expect((await post(push.url, push.body)).status).toBe(401);
    }
    expect(await stored(bff)).toBe(0);
  });

  it('accepts a push within the window, and a retry signed afresh after the first one has aged out', async () => {
    const first = signedPush(target, SAMPLES.giftcard_pay_done, { timestamp: String(nowS() - 250) });
    expect((await post(first.url, first.body)).status).toBe(200);
    // WeChat signs each retry with a new timestamp: the retry passes and is a duplicate.
    const retry = signedPush(target, SAMPLES.giftcard_pay_done);
    expect((await post(retry.url, retry.body)).status).toBe(200);
    expect(await stored(bff)).toBe(1);
    // The first request replayed once it has aged past the window: refused, not stored again.
    const replay = signedPush(target, SAMPLES.giftcard_pay_done, { timestamp: String(nowS() - 301) });
    expect((await post(replay.url, replay.body)).status).toBe(401);
    expect(await stored(bff)).toBe(1);
  });
});

describe('PUSH_MAX_AGE_S', () => {
  it('defaults to 300 and is always below the 25-hour de-dup TTL', () => {
    expect(loadConfig({ SANDBOX: '1' }).pushMaxAgeS).toBe(300);
    expect(loadConfig({ SANDBOX: '1', PUSH_MAX_AGE_S: '60' }).pushMaxAgeS).toBe(60);
    expect(() => loadConfig({ SANDBOX: '1', PUSH_MAX_AGE_S: String(25 * 3600) })).toThrow(/PUSH_MAX_AGE_S.*below the 25-hour de-dup TTL/);
    expect(() => loadConfig({ SANDBOX: '1', PUSH_MAX_AGE_S: '0' })).toThrow(/PUSH_MAX_AGE_S/);
  });

  it('narrows the window', async () => {
    const bff = await startBff({ PUSH_MAX_AGE_S: '5' });
    try {
      const target = { origin: bff.origin, token: bff.config.wechatToken };
      const old = signedPush(target, SAMPLES.giftcard_pay_done, { timestamp: String(nowS() - 30) });
      expect((await post(old.url, old.body)).status).toBe(401);
      const fresh = signedPush(target, SAMPLES.giftcard_pay_done);
      expect((await post(fresh.url, fresh.body)).status).toBe(200);
    } finally {
      await bff.close();
    }
  });

  it("the sandbox's pusher signs with the sandbox clock, which the callback then reads: its pushes pass when the clock moved", async () => {
    const bff = await startBff({}, { pushRetryDelayMs: 20 });
    try {
      bff.world.clock.advance(400 * DAY);
      const { FromUserName, ToUserName: _to, CreateTime: _t, MsgType: _m, Event: _e, ...fields } = SAMPLES.giftcard_pay_done;
      bff.world.emit('giftcard_pay_done', FromUserName, fields as never);
      await bff.pusher!.idle();
      expect(bff.pusher!.deliveries().map((d) => d.outcome)).toEqual(['acked']);
      expect(await stored(bff)).toBe(1);
    } finally {
      await bff.close();
    }
  });
});

describe('EncodingAESKey rotation', () => {
  let bff: Awaited<ReturnType<typeof startBff>>;
  beforeAll(async () => {
    bff = await startBff({ WECHAT_AES_KEY: NEW_KEY, WECHAT_AES_KEY_PREVIOUS: OLD_KEY });
  });
  afterAll(() => bff.close());
  const target = (key: string): PushTarget => ({ origin: bff.origin, token: bff.config.wechatToken, aes: { encodingAesKey: key, appid: bff.config.wechatAppid } });

  it.each([
    ['the new key', NEW_KEY, OLD_KEY],
    ['the previous key', OLD_KEY, NEW_KEY],
  ])('opens a push sealed with %s and seals the reply with the same key', async (_name, key, otherKey) => {
    const fields = { ...SAMPLES.giftcard_pay_done, OrderId: `order-${key.slice(0, 4)}` };
    const push = signedPush(target(key), fields);
    const res = await post(push.url, push.body);
    expect(res.status).toBe(200);
    expect(openReply(target(key), res.body)).toBe('<xml>ok</xml>');
    expect(() => openReply(target(otherKey), res.body)).toThrow();
  });

  it('refuses a push sealed with any other key', async () => {
    const push = signedPush(target(OTHER_KEY), { ...SAMPLES.giftcard_pay_done, OrderId: 'order-other' });
    expect((await post(push.url, push.body)).status).toBeGreaterThanOrEqual(400);
    expect(await stored(bff)).toBe(2);
  });

  it('a previous key needs a current one', () => {
    expect(() => loadConfig({ SANDBOX: '1', WECHAT_AES_KEY_PREVIOUS: OLD_KEY })).toThrow(/WECHAT_AES_KEY_PREVIOUS/);
    expect(() => loadConfig({ SANDBOX: '1', WECHAT_AES_KEY: NEW_KEY, WECHAT_AES_KEY_PREVIOUS: 'short' })).toThrow(/WECHAT_AES_KEY_PREVIOUS/);
  });
});
