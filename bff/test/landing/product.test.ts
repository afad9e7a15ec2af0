import { startBff } from '../support/app';
import { cookiePair, createProduct, expectSecurityHeaders, get, productPath, q, scan, type Bff } from './helpers';

describe('GET /landing/product (scan redirect URL, wxticket checked)', () => {
  let bff: Bff;
  beforeEach(async () => {
    bff = await startBff();
    await createProduct(bff);
  });
  afterEach(() => bff.close());

  it('shows the homepage content and the visitor facts for a fresh ticket, and caches the check', async () => {
    const ticket = await scan(bff, 'o_visitor');
    const r = await get(bff, productPath(ticket));
    expect(r.status).toBe(200);
    expectSecurityHeaders(r);
    expect(r.text).toContain('有机绿茶'); // base_info
    expect(r.text).toContain('¥12.30'); // retail_price through formatFen
    expect(r.text).toContain('https://mmbiz.qpic.cn/banner.jpg'); // detail_info
    expect(r.text).toContain('浙江杭州');
    expect(r.text).toContain('href="https://shop.example.com/tea"'); // action_info
    expect(r.text).not.toContain('javascript:'); // a non-http link is shown as text only
    expect(r.text).toContain('防伪查询'); // module_info
    expect(r.text).toContain('已扫码');
    expect(r.text).toContain('未关注公众号');
    expect(r.text).toContain('batch-42');
    // The first use binds this browser: HttpOnly, SameSite=Lax, scoped to the page, 20 minutes.
    expect(r.cookies).toHaveLength(1);
    expect(r.cookies[0]).toMatch(/^gc_wxt_[0-9a-f]{16}=[A-Za-z0-9_-]+; path=\/landing\/product; expires=[^;]+; samesite=lax; httponly$/i);
    const expires = Date.parse(/expires=([^;]+)/.exec(r.cookies[0]!)![1]!);
    expect(Math.abs(expires - Date.now() - 1200_000)).toBeLessThan(5000);
    // The check is cached (by hash, never the ticket itself) for at most 20 minutes.
    const keys = await bff.db.redis.keys(`${bff.db.keys.prefix}landing:*`);
    expect(keys).toHaveLength(2);
    expect(keys.join()).not.toContain(ticket);
    for (const k of keys) {
      const ttl = await bff.db.redis.ttl(k);
      expect(ttl).toBeGreaterThan(1190);
      expect(ttl).toBeLessThanOrEqual(1200);
    }
    // The same browser again: shown, from the cache (the sandbox could not even answer now).
    await bff.control('clock/advance', { seconds: 1201 });
    const again = await get(bff, productPath(ticket), cookiePair(r.cookies[0]!));
    expect(again.status).toBe(200);
    expect(again.text).toContain('已扫码');
    expect(again.cookies).toHaveLength(0);
  });

  it('shows is_contact for a follower', async () => {
    await bff.control('products/subscribe', { keystandard: 'ean13', keystr: '6901481811083', openid: 'o_fan' });
    const r = await get(bff, productPath(await scan(bff, 'o_fan')));
    expect(r.text).toContain('已关注公众号');
  });

  it('refuses a ticket replayed by another browser (no binding cookie, or a cookie of another ticket)', async () => {
    const ticket = await scan(bff, 'o_victim');
    const first = await get(bff, productPath(ticket));
    expect(first.status).toBe(200);
    const replay = await get(bff, productPath(ticket));
    expect(replay.status).toBe(403);
    expect(replay.text).toContain('链接已被使用');
    expect(replay.text).not.toContain('已扫码');
    expectSecurityHeaders(replay);
    // A binding cookie of the attacker's own ticket does not open the victim's.
    const own = await get(bff, productPath(await scan(bff, 'o_attacker')));
    const name = cookiePair(first.cookies[0]!).split('=')[0]!;
    const forged = `${name}=${cookiePair(own.cookies[0]!).split('=')[1]}`;
    expect((await get(bff, productPath(ticket), forged)).status).toBe(403);
  });

  it('refuses a ticket older than 20 minutes (WeChat answers 40097)', async () => {
    const ticket = await scan(bff, 'o_late');
    await bff.control('clock/advance', { seconds: 1201 });
    const r = await get(bff, productPath(ticket));
    expect(r.status).toBe(403);
    expect(r.text).toContain('链接已过期');
    expect(r.text).not.toContain('有机绿茶');
    expect(r.cookies).toHaveLength(0);
    expectSecurityHeaders(r);
  });

  it("refuses another product's ticket", async () => {
    await createProduct(bff, '6900000000001');
    const other = await scan(bff, 'o_visitor', '6900000000001');
    const r = await get(bff, productPath(other)); // this product's URL, the other product's ticket
    expect(r.status).toBe(403);
    expect(r.text).toContain('链接与商品不符');
    expect(r.text).not.toContain('有机绿茶');
  });

  it('refuses a malformed or unknown ticket with a page, not an error dump', async () => {
    const bad = await get(bff, productPath('<script>alert(1)</script>'));
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('链接无效');
    expect(bad.text).not.toContain('<script>alert');
    const unknown = await get(bff, productPath('AAAAAAAAAAAAAAAA'));
    expect(unknown.status).toBe(403);
    expect(unknown.text).toContain('链接已过期');
  });

  it('shows the public homepage without visitor facts for a shared link (empty wxticket)', async () => {
    const r = await get(bff, `/landing/product?${q({ wxkeystandard: 'ean13', wxkeystr: '6901481811083', wxticket: '' })}`);
    expect(r.status).toBe(200);
    expect(r.text).toContain('有机绿茶');
    expect(r.text).toContain('分享的链接');
    expect(r.text).not.toContain('已扫码');
    expect(r.cookies).toHaveLength(0);
  });

  it('answers missing keys and an unknown product with a page', async () => {
    const missing = await get(bff, '/landing/product?wxkeystr=1');
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('链接不完整');
    const unknown = await get(bff, `/landing/product?${q({ wxkeystandard: 'ean13', wxkeystr: '<b>x</b>' })}`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('&lt;b&gt;x&lt;/b&gt;');
    expectSecurityHeaders(unknown);
  });
});
