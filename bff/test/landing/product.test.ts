import { startBff } from '../support/app';
import { cookiePair, createProduct, expectSecurityHeaders, get, productPath, q, scan, visibleText, type Bff } from './helpers';

/** The merchant's anti-counterfeit codes of the test product, through the merchant API. */
async function importCodes(bff: Bff, codes: Array<{ extinfo: string; result: 'real' | 'fake' | 'not_active' }>) {
  const res = await fetch(`${bff.origin}/admin/products/ean13/6901481811083/codes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bff.config.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ codes }),
  });
  expect(res.status).toBeLessThan(300);
}

/** The product's public homepage is on the page (title, price, details, services). */
function expectPublicInfo(text: string) {
  expect(text).toContain('有机绿茶');
  expect(text).toContain('¥12.30');
  expect(text).toContain('浙江杭州');
  expect(text).toContain('href="https://shop.example.com/tea"');
}

/** No raw value of the scan reaches the consumer: keys, code, visitor tags. */
function expectNoRawValues(text: string) {
  const seen = visibleText(text);
  for (const raw of ['ean13', '6901481811083', 'batch-42', 'DEMO', '已扫码', '未扫码', '关注公众号', '来源', '码信息', 'anti_fake']) expect(seen).not.toContain(raw);
}

describe('GET /landing/product (scan redirect URL: the verdict for a checked wxticket, the public homepage always)', () => {
  let bff: Bff;
  beforeEach(async () => {
    bff = await startBff();
    await createProduct(bff);
    await importCodes(bff, [
      { extinfo: 'code-real', result: 'real' },
      { extinfo: 'code-fake', result: 'fake' },
      { extinfo: 'code-new', result: 'not_active' },
    ]);
  });
  afterEach(() => bff.close());

  it('shows 正品 for a genuine code, its first query counted once, and the homepage; a reload counts nothing', async () => {
    const ticket = await scan(bff, 'o_visitor', undefined, 'code-real');
    const r = await get(bff, productPath(ticket, undefined, 'code-real'));
    expect(r.status).toBe(200);
    expectSecurityHeaders(r);
    expect(r.text).toContain('<h2 id="verdict-title">正品</h2>');
    expect(r.text).toMatch(/该防伪码已被查询 1 次<\/p><p class="small">首次查询：\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}<\/p>/);
    expect(r.text).not.toContain('scan-warning');
    expectPublicInfo(r.text);
    expect(r.text).toContain('https://mmbiz.qpic.cn/banner.jpg');
    expect(r.text).not.toContain('javascript:'); // a non-http link is shown as text only
    expectNoRawValues(r.text);
    // The first use binds this browser: HttpOnly, SameSite=Lax, scoped to the page, 20 minutes.
    expect(r.cookies).toHaveLength(1);
    expect(r.cookies[0]).toMatch(/^gc_wxt_[0-9a-f]{16}=[A-Za-z0-9_-]+; path=\/landing\/product; expires=[^;]+; samesite=lax; httponly$/i);
    const expires = Date.parse(/expires=([^;]+)/.exec(r.cookies[0]!)![1]!);
    expect(Math.abs(expires - Date.now() - 1200_000)).toBeLessThan(5000);
    // Only the first use is kept (by hash, never the ticket itself), for at most 20 minutes.
    const keys = await bff.db.redis.keys(`${bff.db.keys.prefix}landing:*`);
    expect(keys).toHaveLength(1);
    expect(keys.join()).not.toContain(ticket);
    const ttl = await bff.db.redis.ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(1190);
    expect(ttl).toBeLessThanOrEqual(1200);
    // The same browser again within the 20 minutes: the verdict, still 1 query.
    const again = await get(bff, productPath(ticket, undefined, 'code-real'), cookiePair(r.cookies[0]!));
    expect(again.status).toBe(200);
    expect(again.text).toContain('正品');
    expect(again.text).toContain('该防伪码已被查询 1 次');
    expect(again.cookies).toHaveLength(0);
    // Once WeChat's 20 minutes are over, the ticket is over here too, whenever it was first used.
    await bff.control('clock/advance', { seconds: 1201 });
    const late = await get(bff, productPath(ticket, undefined, 'code-real'), cookiePair(r.cookies[0]!));
    expect(late.text).not.toContain('id="verdict"');
    expect(late.text).toContain('扫码已超过 20 分钟');
  });

  it('counts each scan of a code, and warns when a genuine code was queried before', async () => {
    await get(bff, productPath(await scan(bff, 'o_first', undefined, 'code-real'), undefined, 'code-real'));
    const second = await get(bff, productPath(await scan(bff, 'o_second', undefined, 'code-real'), undefined, 'code-real'));
    expect(second.text).toContain('该防伪码已被查询 2 次');
    expect(second.text).toContain('如果之前的查询不是你本人，请谨防假冒');
  });

  it('shows 疑似假冒 for a fake code, with the brand\'s phone to call', async () => {
    const r = await get(bff, productPath(await scan(bff, 'o_visitor', undefined, 'code-fake'), undefined, 'code-fake'));
    expect(r.status).toBe(200);
    expect(r.text).toContain('<h2 id="verdict-title">疑似假冒</h2>');
    expect(r.text).toContain('verdict-fake');
    expect(r.text).toContain('href="tel:4000000000"');
    expectNoRawValues(r.text);
  });

  it('shows 未激活 for a code registered inactive (counted) and for one the registry does not know (no count)', async () => {
    const registered = await get(bff, productPath(await scan(bff, 'o_visitor', undefined, 'code-new'), undefined, 'code-new'));
    expect(registered.text).toContain('<h2 id="verdict-title">未激活</h2>');
    expect(registered.text).toContain('该防伪码已被查询 1 次');
    const unknown = await get(bff, productPath(await scan(bff, 'o_visitor', undefined, 'no-such-code'), undefined, 'no-such-code'));
    expect(unknown.text).toContain('<h2 id="verdict-title">未激活</h2>');
    expect(unknown.text).not.toContain('scan-count');
    expect(await bff.db.redis.hgetall(`${bff.db.keys.antiCounterfeit('ean13', '6901481811083')}:queries`)).toEqual({
      'n:code-new': '1',
      't:code-new': expect.stringMatching(/^\d{10}$/),
    });
  });

  it('a ticket forwarded to another browser: the homepage with a note, no verdict, no count', async () => {
    const ticket = await scan(bff, 'o_victim', undefined, 'code-real');
    const first = await get(bff, productPath(ticket, undefined, 'code-real'));
    expect(first.text).toContain('正品');
    const replay = await get(bff, productPath(ticket, undefined, 'code-real'));
    expect(replay.status).toBe(200);
    expectSecurityHeaders(replay);
    expect(replay.text).toContain('他人转发的扫码链接');
    expect(replay.text).not.toContain('id="verdict"');
    expectPublicInfo(replay.text);
    expect(replay.cookies).toHaveLength(0);
    // A binding cookie of the attacker's own ticket does not open the victim's.
    const own = await get(bff, productPath(await scan(bff, 'o_attacker', undefined, 'code-fake'), undefined, 'code-fake'));
    const name = cookiePair(first.cookies[0]!).split('=')[0]!;
    const forged = `${name}=${cookiePair(own.cookies[0]!).split('=')[1]}`;
    expect((await get(bff, productPath(ticket, undefined, 'code-real'), forged)).text).not.toContain('id="verdict"');
    expect(await bff.db.redis.hget(`${bff.db.keys.antiCounterfeit('ean13', '6901481811083')}:queries`, 'n:code-real')).toBe('1');
  });

  it('the same browser with another code in the URL: no verdict (a ticket is one scan of one code)', async () => {
    const ticket = await scan(bff, 'o_visitor', undefined, 'code-fake');
    const first = await get(bff, productPath(ticket, undefined, 'code-fake'));
    const swapped = await get(bff, productPath(ticket, undefined, 'code-real'), cookiePair(first.cookies[0]!));
    expect(swapped.status).toBe(200);
    expect(swapped.text).not.toContain('id="verdict"');
    expect(swapped.text).toContain('防伪码与扫码时不一致');
  });

  it('a ticket older than 20 minutes (WeChat answers 40097): the homepage with a note to scan again', async () => {
    const ticket = await scan(bff, 'o_late', undefined, 'code-real');
    await bff.control('clock/advance', { seconds: 1201 });
    const r = await get(bff, productPath(ticket, undefined, 'code-real'));
    expect(r.status).toBe(200);
    expect(r.text).toContain('扫码已超过 20 分钟');
    expect(r.text).not.toContain('id="verdict"');
    expectPublicInfo(r.text);
    expect(r.cookies).toHaveLength(0);
    expectSecurityHeaders(r);
  });

  it("another product's ticket, a malformed and an unknown ticket: the homepage with a note", async () => {
    await createProduct(bff, '6900000000001');
    const other = await get(bff, productPath(await scan(bff, 'o_visitor', '6900000000001', 'code-real'), undefined, 'code-real'));
    expect(other.text).toContain('属于另一件商品');
    expect(other.text).not.toContain('id="verdict"');
    const bad = await get(bff, productPath('<script>alert(1)</script>', undefined, 'code-real'));
    expect(bad.status).toBe(200);
    expect(bad.text).toContain('扫码链接无效');
    expect(bad.text).not.toContain('<script>alert');
    expectPublicInfo(bad.text);
    const unknown = await get(bff, productPath('AAAAAAAAAAAAAAAA', undefined, 'code-real'));
    expect(unknown.text).toContain('扫码已超过 20 分钟');
    expect(unknown.text).not.toContain('id="verdict"');
  });

  it('WeChat busy checking the ticket: the homepage, a note and 重试 (the same URL), nothing cached', async () => {
    const ticket = await scan(bff, 'o_visitor', undefined, 'code-real');
    await bff.control('faults', { endpoint: 'scan.checkTicket', errcode: -1, times: 4 });
    const path = productPath(ticket, undefined, 'code-real');
    const busy = await get(bff, path);
    expect(busy.status).toBe(200);
    expect(busy.text).toContain('暂时无法查询防伪结果');
    expect(busy.text).toMatch(/<a class="weui-btn weui-btn_primary" href="[^"]+">重试<\/a>/);
    expectPublicInfo(busy.text);
    expectSecurityHeaders(busy);
    const retried = await get(bff, path);
    expect(retried.text).toContain('正品');
  });

  it('a shared link (empty wxticket): the public homepage and a note, no verdict even with a code', async () => {
    const r = await get(bff, `/landing/product?${q({ wxkeystandard: 'ean13', wxkeystr: '6901481811083', wxticket: '', wxextinfo: 'code-real' })}`);
    expect(r.status).toBe(200);
    expectPublicInfo(r.text);
    expect(r.text).toContain('分享的商品链接');
    expect(r.text).not.toContain('id="verdict"');
    expect(r.cookies).toHaveLength(0);
    expectSecurityHeaders(r);
  });

  it('answers missing keys and an unknown product with a page that names no key', async () => {
    const missing = await get(bff, '/landing/product?wxkeystr=1');
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('链接不完整');
    expectSecurityHeaders(missing);
    const unknown = await get(bff, `/landing/product?${q({ wxkeystandard: 'ean13', wxkeystr: '<b>x</b>' })}`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('商品不存在');
    expect(unknown.text).not.toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(unknown.text).not.toContain('ean13');
    expectSecurityHeaders(unknown);
  });
});
