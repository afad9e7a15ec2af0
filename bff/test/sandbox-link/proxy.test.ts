import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { errorMiddleware } from '../../src/http/errors';
import { silentLogger } from '../../src/log';
import { SandboxClock, sandboxProxy } from '../../src/sandbox-link';

/** SANDBOX=1's /sandbox: a reverse proxy to the sandbox running apart, and the sandbox's clock over HTTP. */
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('sandboxProxy', () => {
  let upstream: Server;
  let bff: Server;
  let upstreamUrl: string;
  let origin: string;
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        if (req.url === '/sandbox/drop') return req.socket.resetAndDestroy();
        if (req.url === '/sandbox/big') {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          for (let i = 0; i < 64; i++) res.write(Buffer.alloc(16 * 1024, i));
          return res.end();
        }
        res.writeHead(req.url === '/sandbox/missing' ? 404 : 201, { 'content-type': 'application/json', 'x-sandbox': 'yes', connection: 'keep-alive' });
        res.end(JSON.stringify({ method: req.method, url: req.url, body }));
      });
    });
    upstreamUrl = await listen(upstream);
    const app = new Koa();
    app.use(errorMiddleware(silentLogger));
    app.use(sandboxProxy(upstreamUrl));
    app.use((ctx) => {
      ctx.body = 'the BFF itself';
    });
    bff = createServer(app.callback());
    origin = await listen(bff);
  });
  afterAll(async () => {
    bff.closeAllConnections();
    upstream.closeAllConnections();
    await new Promise((r) => bff.close(r));
    await new Promise((r) => upstream.close(r));
  });

  it('passes /sandbox/* through: method, path and query, body, status and headers; the rest is the BFF', async () => {
    const res = await fetch(`${origin}/sandbox/cgi-bin/card/create?access_token=abc`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json', 'x-custom': 'kept' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-sandbox')).toBe('yes');
    expect(await res.json()).toEqual({ method: 'POST', url: '/sandbox/cgi-bin/card/create?access_token=abc', body: '{"a":1}' });
    const got = seen.at(-1)!;
    expect(got.headers).toMatchObject({ 'x-custom': 'kept', 'content-type': 'application/json', 'x-forwarded-host': new URL(origin).host, 'x-forwarded-proto': 'http' });
    expect((await fetch(`${origin}/sandbox/missing`)).status).toBe(404);
    expect(await (await fetch(`${origin}/sandboxed`)).text()).toBe('the BFF itself');
    expect(await (await fetch(`${origin}/api/x`)).text()).toBe('the BFF itself');
  });

  it('streams a large answer through whole', async () => {
    const body = Buffer.from(await (await fetch(`${origin}/sandbox/big`)).arrayBuffer());
    expect(body.length).toBe(64 * 16 * 1024);
    expect(body[body.length - 1]).toBe(63);
  });

  it('a connection the sandbox drops is dropped for the client too (as WeChat would)', async () => {
    await expect(fetch(`${origin}/sandbox/drop`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('a sandbox that is not running is a 502 naming it', async () => {
    const gone = createServer();
    const url = await listen(gone);
    await new Promise((r) => gone.close(r));
    const app = new Koa();
    app.use(errorMiddleware(silentLogger));
    app.use(sandboxProxy(url));
    const server = createServer(app.callback());
    const at = await listen(server);
    try {
      const res = await fetch(`${at}/sandbox/_control/calls`);
      expect(res.status).toBe(502);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('sandbox_unavailable');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('SandboxClock', () => {
  it('is local time until refreshed, then the sandbox clock, read at most once per interval', async () => {
    let sandboxNow = Math.floor(Date.now() / 1000) + 86_400;
    let reads = 0;
    const server = createServer((req, res) => {
      reads++;
      expect(req.url).toBe('/sandbox/_control/clock');
      res.end(JSON.stringify({ now: sandboxNow }));
    });
    const url = await listen(server);
    try {
      const clock = new SandboxClock(url, { minIntervalMs: 60_000 });
      expect(Math.abs(clock.now() - Date.now() / 1000)).toBeLessThan(2);
      const [a, b] = await Promise.all([clock.refresh(), clock.refresh()]);
      expect(a).toBe(sandboxNow);
      expect(b).toBe(sandboxNow);
      expect(reads).toBe(1);
      expect(Math.abs(clock.now() - sandboxNow)).toBeLessThan(2);
      sandboxNow += 3600;
      expect(await clock.refresh()).toBeUndefined();
      expect(reads).toBe(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('a sandbox that cannot be read leaves the clock as it was', async () => {
    const clock = new SandboxClock('http://127.0.0.1:1', { minIntervalMs: 0 });
    expect(await clock.refresh()).toBeUndefined();
    expect(Math.abs(clock.now() - Date.now() / 1000)).toBeLessThan(2);
  });
});
