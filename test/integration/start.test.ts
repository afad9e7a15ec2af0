import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Redis from 'ioredis';
import { freePort } from '../support/free-port';

/** `pnpm start`'s stack (after `pnpm build`): prints its URLs, serves /healthz and the sandbox. */
const root = path.resolve(__dirname, '../..');

describe('pnpm start', () => {
  let child: ChildProcess | undefined;
  const prefix = `gc:test:start:${randomBytes(4).toString('hex')}:`;
  afterAll(async () => {
    child?.kill('SIGTERM');
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('starts the sandbox and the BFF, prints their URLs, serves /healthz and the WeChat sandbox (proxied, and on its own port)', async () => {
    const port = await freePort();
    const sandboxPort = await freePort();
    child = spawn('node', ['scripts/start.js', '--no-build'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), SANDBOX_PORT: String(sandboxPort), REDIS_PREFIX: prefix, LOG_LEVEL: 'warn', EVENTS_TRIM_EVERY_MS: '1000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const origin = `http://127.0.0.1:${port}`;
    let health: Response | undefined;
    for (let i = 0; i < 100 && !health; i++) {
      health = await fetch(`${origin}/healthz`).catch(() => undefined);
      if (!health) await new Promise((r) => setTimeout(r, 100));
    }
    expect(health?.status).toBe(200);
    expect(output).toContain(`BFF:            ${origin}`);
    expect(output).toContain(`${origin}/sandbox`);
    const token = await fetch(`${origin}/sandbox/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({ grant_type: 'client_credential', appid: 'wrong', secret: 'x' }),
    });
    expect(await token.json()).toMatchObject({ errcode: 40013 });
    // The same world at its own port: the BFF's /sandbox is a proxy to it.
    // (Counts only grow: what the proxy showed first, the sandbox's own port shows at least as much.)
    const proxied = (await (await fetch(`${origin}/sandbox/_control/calls`)).json()) as Record<string, number>;
    const direct = (await (await fetch(`http://127.0.0.1:${sandboxPort}/sandbox/_control/calls`)).json()) as Record<string, number>;
    expect(Object.keys(proxied).length).toBeGreaterThan(0);
    for (const [endpoint, count] of Object.entries(proxied)) expect(direct[endpoint]).toBeGreaterThanOrEqual(count);
    expect((await fetch(`${origin}/readyz`)).status).toBe(200);

    // The demo data's pushes reach `events`; with EVENTS_TRIM_EVERY_MS the projector, the only group,
    // trims them once it has acknowledged them.
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0');
    try {
      const stream = `${prefix}events`;
      const added = async () => {
        if (!(await redis.exists(stream))) return 0;
        const info = (await redis.xinfo('STREAM', stream)) as unknown[]; // [name, value, name, value, …]
        return Number(info[info.indexOf('entries-added') + 1]);
      };
      const until = Date.now() + 15_000;
      while (((await added()) === 0 || (await redis.xlen(stream)) > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(await added()).toBeGreaterThan(0);
      expect(await redis.xlen(stream)).toBe(0);
    } finally {
      redis.disconnect();
    }
  }, 40_000);
});

describe('WORKERS=2 pnpm start', () => {
  let child: ChildProcess | undefined;
  const prefix = `gc:test:start-w2:${randomBytes(4).toString('hex')}:`;
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('runs one sandbox for two BFF processes: the demo seeded once, a session made by one process holds in the other', async () => {
    const port = await freePort();
    const sandboxPort = await freePort();
    child = spawn('node', ['scripts/start.js', '--no-build'], {
      cwd: root,
      env: { ...process.env, WORKERS: '2', PORT: String(port), SANDBOX_PORT: String(sandboxPort), REDIS_PREFIX: prefix, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const origin = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 400 && !/^Demo card jump: /m.test(output) && !/not seeded/.test(output); i++) await new Promise((r) => setTimeout(r, 100));
    expect(output).toMatch(/^Demo card jump: /m);
    expect(output.match(/^Sandbox admin token/gm)).toHaveLength(1);
    // Both processes answer (a new connection each time), every one against the same sandbox world.
    const pids = new Set<number>();
    for (let i = 0; i < 16 && pids.size < 2; i++) {
      pids.add(((await (await fetch(`${origin}/healthz`, { headers: { connection: 'close' } })).json()) as { pid: number }).pid);
    }
    expect(pids.size).toBe(2);
    const { code } = (await (await fetch(`${origin}/sandbox/_control/users/login`, { method: 'POST', body: JSON.stringify({ openid: 'o_demo_mini' }) })).json()) as { code: string };
    const session = await fetch(`${origin}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body: JSON.stringify({ code }) });
    const { token } = (await session.json()) as { token: string };
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${origin}/api/cards`, { headers: { authorization: `Bearer ${token}`, connection: 'close' } });
      expect(res.status).toBe(200);
    }
    // The demo purchase's push was stored through whichever process took it.
    const pushes = (await (await fetch(`http://127.0.0.1:${sandboxPort}/sandbox/_control/pushes`)).json()) as { deliveries: { outcome: string }[] };
    expect(pushes.deliveries.length).toBeGreaterThan(0);
    expect(pushes.deliveries.every((d) => d.outcome === 'acked' || d.outcome === 'pending')).toBe(true);
  }, 60_000);
});
