import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { startBff } from '../support/app';
import { buy, openShop } from '../support/giftcards';
import type { TestSandbox } from '../support/sandbox';

type Bff = Awaited<ReturnType<typeof startBff>>;

/** A GET with the bytes as sent (fetch would decode them). */
function rawGet(origin: string, p: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request(`${origin}${p}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Compression (koa-compress) of the H5 app and the landing pages; the favicon. */
describe('compression and favicon', () => {
  let bff: Bff;
  let dir: string;
  // Like a webpack bundle: long and repetitive, so it compresses well.
  const bundle = Array.from({ length: 4000 }, (_, i) => `function f${i}(a){return a+${i}}`).join(';');
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gc-compress-'));
    mkdirSync(path.join(dir, 'js'), { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html><head><script defer src="./js/app.0123abcd.js"></script></head><body><div id="app"></div></body></html>');
    writeFileSync(path.join(dir, 'js', 'app.0123abcd.js'), bundle);
    bff = await startBff({}, { h5Dir: dir });
  });
  afterAll(async () => {
    await bff.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the H5 bundle brotli- or gzip-compressed, as asked, much smaller, and identical once decoded', async () => {
    const plain = await rawGet(bff.origin, '/app/js/app.0123abcd.js');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(bundle);

    const br = await rawGet(bff.origin, '/app/js/app.0123abcd.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.body.length).toBeLessThan(bundle.length / 4);
    expect(brotliDecompressSync(br.body).toString()).toBe(bundle);
    // The immutable cache of a hashed asset is kept.
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    const gz = await rawGet(bff.origin, '/app/js/app.0123abcd.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(bundle);
  });

  it('compresses the landing pages and their WeUI stylesheet, keeping the strict CSP', async () => {
    const page = await rawGet(bff.origin, '/landing/product?wxkeystr=1', { 'accept-encoding': 'br' });
    expect(page.status).toBe(400);
    expect(page.headers['content-encoding']).toBe('br');
    const html = brotliDecompressSync(page.body).toString();
    expect(html).toContain('链接不完整');
    expect(page.body.length).toBeLessThan(Buffer.byteLength(html));
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'self' 'nonce-/);

    const css = /href="(\/landing\/assets\/weui-[^"]+\.css)"/.exec(html)![1]!;
    const weui = await rawGet(bff.origin, css, { 'accept-encoding': 'gzip, br' });
    expect(weui.status).toBe(200);
    expect(weui.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(weui.headers['content-encoding']).toBe('br');
    expect(weui.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(weui.body.length).toBeLessThan(40_000); // 188 KB as written
    expect(brotliDecompressSync(weui.body).toString()).toContain('.weui-cell');
  });

  it("compresses by content type, wherever it is served: an uploaded SVG at /sandbox/mmbiz, not a PNG", async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">${'<rect x="1" y="1" width="9" height="9"/>'.repeat(100)}</svg>`;
    const { url } = await bff.wechat.client.media.uploadImage({ buffer: { filename: 'face.svg', contentType: 'image/svg+xml', data: Buffer.from(svg) } });
    const picture = await rawGet(bff.origin, new URL(url).pathname, { 'accept-encoding': 'gzip' });
    expect(picture.status).toBe(200);
    expect(picture.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(picture.body).toString()).toBe(svg);
    // A PNG is compressed already.
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(4000)]);
    const uploaded = await bff.wechat.client.media.uploadImage({ buffer: { filename: 'a.png', contentType: 'image/png', data: png } });
    const plain = await rawGet(bff.origin, new URL(uploaded.url).pathname, { 'accept-encoding': 'gzip' });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('never compresses the invoice form (a CSRF token beside reflected input: BREACH)', async () => {
    const shop = await openShop(bff.wechat, bff as unknown as TestSandbox, [{ price: 5000 }]);
    const order = await buy(bff as unknown as TestSandbox, { openid: 'o_compress', page_id: shop.pageId, items: [{ card_id: shop.cardIds[0]!, count: 1 }] });
    const form = await rawGet(bff.origin, `/landing/order/invoice?order_id=${encodeURIComponent(order.order_id)}&openid=o_compress`, { 'accept-encoding': 'gzip, br' });
    expect(form.status).toBe(200);
    const html = form.body.toString();
    // The real form, with its token, and long enough that only ctx.compress = false keeps it plain.
    expect(html).toMatch(/<input type="hidden" name="csrf" value="[^"]+"/);
    expect(form.body.length).toBeGreaterThan(1024);
    expect(form.headers['content-encoding']).toBeUndefined();
  });

  it.each(['/favicon.ico', '/app/favicon.ico'])('answers %s with the project\'s icon: an ICO holding a 32×32 PNG', async (p) => {
    const r = await rawGet(bff.origin, p);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('image/x-icon');
    expect(r.headers['cache-control']).toMatch(/max-age=\d{4,}/);
    // ICONDIR: reserved 0, type 1 (icon), one image; its entry points at a PNG.
    expect(r.body.readUInt16LE(0)).toBe(0);
    expect(r.body.readUInt16LE(2)).toBe(1);
    expect(r.body.readUInt16LE(4)).toBeGreaterThanOrEqual(1);
    const size = r.body.readUInt32LE(6 + 8);
    const offset = r.body.readUInt32LE(6 + 12);
    const png = readPng(r.body.subarray(offset, offset + size));
    expect([png.width, png.height]).toEqual([32, 32]);
    // WeChat green in the corner area's inside, white in the middle (the gift).
    const px = (x: number, y: number) => [...png.data.subarray((y * 32 + x) * 4, (y * 32 + x) * 4 + 4)];
    expect(px(4, 16)).toEqual([7, 193, 96, 255]);
    expect(px(0, 0)[3]).toBe(0);
  });
});

/** A PNG of 8-bit RGBA rows without filters (what the favicon writes), read back to pixels. */
function readPng(buf: Buffer): { width: number; height: number; data: Buffer } {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let pos = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9]]).toEqual([8, 6]); // 8 bits, RGBA
    }
    if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0);
    raw.copy(data, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, data };
}
