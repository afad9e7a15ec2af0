import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import Koa from 'koa';
import { serveStatic } from '../../src/http/static';

/** The H5 app's static serving: types, index.html, caching, CSP, and nothing outside the directory. */
describe('serveStatic', () => {
  let dir: string;
  let server: Server;
  let origin: string;
  const INLINE = '!function(){document.documentElement.style.fontSize="20px"}();';
  const VENDOR = 'var vendor = "' + 'abc'.repeat(100) + '";';
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gc-static-'));
    const root = path.join(dir, 'dist-h5');
    mkdirSync(path.join(root, 'js'), { recursive: true });
    writeFileSync(path.join(root, 'index.html'), `<!doctype html><html><head><script>${INLINE}</script><script defer src="./js/app.0123abcd.js"></script></head><body><div id="app"></div></body></html>`);
    writeFileSync(path.join(root, 'js', 'app.0123abcd.js'), 'console.log(1)');
    writeFileSync(path.join(root, 'js', 'app.css'), 'body{}');
    writeFileSync(path.join(root, 'js', 'vendor.89abcdef.js'), VENDOR);
    writeFileSync(path.join(root, 'js', 'vendor.89abcdef.js.br'), brotliCompressSync(VENDOR));
    writeFileSync(path.join(dir, 'secret.txt'), 'secret');
    symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'link.txt'));
    const app = new Koa();
    app.use(serveStatic(root, '/app'));
    app.use((ctx) => {
      ctx.body = 'next';
    });
    server = createServer(app.callback());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });
  /** fetch would resolve `..` and `%2e%2e` before sending; an attacker's client does not. */
  const rawGet = (p: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${origin}/`, { path: p, headers }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });
  const get = (p: string, init?: RequestInit) => fetch(`${origin}${p}`, { redirect: 'manual', ...init });

  it('serves index.html for /app/ with a CSP that allows its own inline script by hash', async () => {
    const res = await get('/app/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = res.headers.get('content-security-policy')!;
    const { createHash } = await import('node:crypto');
    expect(csp).toContain(`'sha256-${createHash('sha256').update(INLINE).digest('base64')}'`);
    expect(csp).toContain("connect-src 'self'");
    // The sandbox's demo pictures are same-origin images (/sandbox/assets, /sandbox/mmbiz).
    expect(csp).toMatch(/img-src [^;]*'self'/);
    expect(csp).not.toContain("script-src 'self' 'unsafe-inline'");
    expect(await res.text()).toContain('<div id="app">');
  });

  it('redirects /app to /app/ so relative assets resolve', async () => {
    const res = await get('/app?x=1');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/app/?x=1');
  });

  it('serves hashed assets with their type, cached for a year, and revalidates', async () => {
    const res = await get('/app/js/app.0123abcd.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toBe('console.log(1)');
    // (fetch adds Cache-Control: no-cache to a conditional request, so a plain client asks)
    const again = await rawGet('/app/js/app.0123abcd.js', { 'if-none-match': res.headers.get('etag')! });
    expect(again.status).toBe(304);
    const css = await get('/app/js/app.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.headers.get('cache-control')).toBe('no-cache');
    const head = await get('/app/js/app.0123abcd.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('14');
  });

  it("serves the build's .br copy to a client that accepts brotli, the file itself to one that does not", async () => {
    const raw = (headers: Record<string, string>) =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        const req = request(`${origin}/app/js/vendor.89abcdef.js`, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
        req.end();
      });
    const br = await raw({ 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers.vary).toContain('Accept-Encoding');
    expect(brotliDecompressSync(br.body).toString()).toBe(VENDOR);
    expect((await raw({ 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) })).status).toBe(304);

    const plain = await raw({ 'accept-encoding': 'gzip' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toContain('Accept-Encoding');
    expect(plain.body.toString()).toBe(VENDOR);
    expect(plain.headers.etag).not.toBe(br.headers.etag);
  });

  it.each(['/app/../secret.txt', '/app/%2e%2e/secret.txt', '/app/js/..%2f..%2fsecret.txt', '/app/%2e%2e%5csecret.txt', '/app/link.txt', '/app/nope.js', '/app/js', '/app/%E0%A4%A', '/app/a%00b'])(
    'answers 404 to %s (sent as is, not normalized)',
    async (p) => {
      const res = await rawGet(p);
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('secret');
    },
  );

  it('refuses writes and leaves other paths to the next middleware', async () => {
    const post = await get('/app/index.html', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(await (await get('/application')).text()).toBe('next');
  });
});
