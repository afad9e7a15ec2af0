import { SAMPLES } from '../../../shared/test/fixtures/event-samples';
import { startBff } from '../support/app';
import { post, signedPush } from '../support/push';
import { call, login, purchase, type Bff } from './support';

const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

async function admin(bff: Bff, method: string, path: string, body?: unknown) {
  const res = await fetch(`${bff.origin}/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${bff.config.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function audit(bff: Bff) {
  const raw = await bff.db.redis.xrange(bff.db.keys.identityAudit, '-', '+');
  return raw.map(([, f]) => Object.fromEntries(Array.from({ length: f.length / 2 }, (_, i) => [f[2 * i]!, f[2 * i + 1]!])));
}

const open = (bff: Bff, token: string, jump: { encryptCode: string; cardId: string }, openid: string) =>
  call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code: jump.encryptCode, card_id: jump.cardId, openid } });

/** A fresh card-button jump of the code, as WeChat gives its holder each time the card is tapped. */
async function freshJump(bff: Bff, bought: { code: string; cardId: string }) {
  const { encrypt_code } = await bff.control<{ encrypt_code: string }>('codes/encrypt', { code: bought.code });
  return { encryptCode: encrypt_code, cardId: bought.cardId };
}

describe('identity recovery: the real holder is never locked out', () => {
  let bff: Bff;
  beforeEach(async () => {
    bff = await startBff({}, { projector: true, pushRetryDelayMs: 20 });
  });
  afterEach(() => bff.close());

  it("someone who got an unlinked holder's jump URL first is displaced by the holder's next jump, and cannot take it back with the old URL", async () => {
    const bought = await purchase(bff, 'svc_alice');
    const captured = { encryptCode: bought.encryptCode, cardId: bought.cardId };
    const [mallory, alice] = await Promise.all([login(bff, 'mini_mallory'), login(bff, 'mini_alice')]);

    // Mallory uses the captured URL before Alice ever opened the Mini Program.
    expect((await open(bff, mallory, captured, 'svc_alice')).status).toBe(200);

    // Alice taps her card: a fresh jump. She is linked, Mallory is not any more.
    const res = await open(bff, alice, await freshJump(bff, bought), 'svc_alice');
    expect(res).toMatchObject({ status: 200, body: { code: bought.code } });
    expect((await call(bff, 'GET', '/api/cards', { token: alice })).body.cards).toHaveLength(1);
    expect((await call(bff, 'GET', '/api/cards', { token: mallory })).body.cards).toEqual([]);

    // The captured URL, replayed, proves nothing any more.
    expect((await open(bff, mallory, captured, 'svc_alice')).status).toBe(404);
    expect(await bff.db.redis.get(bff.db.keys.serviceLink('svc_alice'))).toBe('mini_alice');
    expect(await bff.db.redis.get(bff.db.keys.miniLink('mini_mallory'))).toBeNull();

    // Every change is audited: Mallory linked, moved to Alice (Mallory's link dropped).
    const entries = await audit(bff);
    expect(entries.map((e) => [e.action, e.mini_openid, e.service_openid])).toEqual([
      ['linked', 'mini_mallory', 'svc_alice'],
      ['unlinked', 'mini_mallory', 'svc_alice'],
      ['moved', 'mini_alice', 'svc_alice'],
    ]);
  });

  it('the holder reopening the same jump (a reload) keeps the link', async () => {
    const bought = await purchase(bff, 'svc_reload');
    const token = await login(bff, 'mini_reload');
    for (let i = 0; i < 3; i++) expect((await open(bff, token, bought, 'svc_reload')).status).toBe(200);
  });

  it('/admin/identity/links shows every link (who, how proved, when); the support unlink is audited with its reason', async () => {
    const bought = await purchase(bff, 'svc_support');
    const token = await login(bff, 'mini_support');
    expect((await open(bff, token, bought, 'svc_support')).status).toBe(200);

    const listed = await admin(bff, 'GET', '/identity/links');
    expect(listed.status).toBe(200);
    expect(listed.body.links).toEqual([{ mini_openid: 'mini_support', service_openid: 'svc_support', proof: 'jump', linked_at: expect.any(Number) }]);
    expect(Math.abs(listed.body.links[0].linked_at - Date.now() / 1000)).toBeLessThan(60);

    expect((await admin(bff, 'DELETE', '/identity/links/svc_support', {})).status).toBe(400);
    const unlinked = await admin(bff, 'DELETE', '/identity/links/svc_support', { reason: 'holder called: phone lost' });
    expect(unlinked).toEqual({ status: 200, body: { unlinked: { service_openid: 'svc_support', mini_openid: 'mini_support' } } });
    expect((await call(bff, 'GET', '/api/cards', { token })).body.cards).toEqual([]);
    expect((await admin(bff, 'GET', '/identity/links')).body.links).toEqual([]);
    expect((await admin(bff, 'DELETE', '/identity/links/svc_support', { reason: 'again' })).status).toBe(404);
    expect((await audit(bff)).at(-1)).toMatchObject({ action: 'unlinked', mini_openid: 'mini_support', service_openid: 'svc_support', by: 'admin', reason: 'holder called: phone lost' });

    // Without the merchant's token: nothing.
    expect((await fetch(`${bff.origin}/admin/identity/links`)).status).toBe(401);
  });
});

describe('a proven UnionID is preferred over a jump', () => {
  let bff: Bff;
  beforeEach(async () => {
    bff = await startBff({ WECHAT_AES_KEY: AES_KEY }, { projector: true, pushRetryDelayMs: 20 });
  });
  afterEach(() => bff.close());

  const userGetCard = (openid: string, unionid: string) => ({ ...SAMPLES.user_get_card, FromUserName: openid, UnionId: unionid, CreateTime: String(Math.floor(Date.now() / 1000)) });

  it('a safe-mode user_get_card teaches the unionid; the login that carries it links, and a jump cannot move that link', async () => {
    const bought = await purchase(bff, 'svc_union');
    const mallory = await login(bff, 'mini_mallory');
    // Mallory first, with a captured jump.
    expect((await open(bff, mallory, bought, 'svc_union')).status).toBe(200);

    const push = signedPush({ origin: bff.origin, token: bff.config.wechatToken, aes: { encodingAesKey: AES_KEY, appid: bff.config.wechatAppid } }, userGetCard('svc_union', 'union_holder'));
    expect((await post(push.url, push.body)).status).toBe(200);

    const holder = await login(bff, 'mini_holder', 'union_holder');
    expect((await call(bff, 'GET', '/api/cards', { token: holder })).body.cards).toHaveLength(1);
    expect((await call(bff, 'GET', '/api/cards', { token: mallory })).body.cards).toEqual([]);
    // Even a fresh jump does not move a unionid link.
    expect((await open(bff, mallory, await freshJump(bff, bought), 'svc_union')).status).toBe(404);
    expect(await bff.db.redis.get(bff.db.keys.serviceLink('svc_union'))).toBe('mini_holder');
    expect((await admin(bff, 'GET', '/identity/links')).body.links).toEqual([{ mini_openid: 'mini_holder', service_openid: 'svc_union', proof: 'unionid', linked_at: expect.any(Number) }]);
  });
});

describe('a plain-mode push teaches no unionid (its body is not signed)', () => {
  it('a forged user_get_card pairing a victim with the forger\'s unionid links nothing', async () => {
    const bff = await startBff({}, { projector: true, pushRetryDelayMs: 20 });
    try {
      await purchase(bff, 'svc_victim');
      const push = signedPush({ origin: bff.origin, token: bff.config.wechatToken }, { ...SAMPLES.user_get_card, FromUserName: 'svc_victim', UnionId: 'union_forger', CreateTime: String(Math.floor(Date.now() / 1000)) });
      expect((await post(push.url, push.body)).status).toBe(200);
      const forger = await login(bff, 'mini_forger', 'union_forger');
      expect((await call(bff, 'GET', '/api/cards', { token: forger })).body.cards).toEqual([]);
      expect(await bff.db.redis.get(bff.db.keys.unionidService('union_forger'))).toBeNull();
    } finally {
      await bff.close();
    }
  });
});
