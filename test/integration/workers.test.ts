import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import path from 'node:path';
import { loadConfig } from '../../bff/src/config';
import { connectRedis, redisReady } from '../../bff/src/redis/connect';
import { deleteByPrefix } from '../../bff/src/redis/delete-by-prefix';
import { createSandboxApp, DEMO_SANDBOX_CONFIG } from '@giftcard/sandbox';
import { freePort } from '../support/free-port';

/**
 * WORKERS=N: N BFF processes on one port (node:cluster), here against one WeChat (a sandbox started
 * alone, as every process would talk to WeChat): each answers /healthz with its pid, a crashed one is
 * replaced, SIGTERM stops them all.
 */
const root = path.resolve(__dirname, '../..');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';

async function until<T>(read: () => Promise<T | undefined | false>, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('WORKERS=2', () => {
  let sandbox: Server;
  let primary: ChildProcess;
  let origin: string;
  const prefix = `gc:test:${randomBytes(6).toString('hex')}:`;
  const pidsAnswering = async (n = 24) => {
    const pids = new Set<number>();
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${origin}/healthz`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(2000) });
      pids.add(((await res.json()) as { pid: number }).pid);
    }
    return pids;
  };

  beforeAll(async () => {
    const sandboxPort = await freePort();
    sandbox = createSandboxApp().app.listen(sandboxPort, '127.0.0.1');
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const { serviceAccount, miniProgram } = DEMO_SANDBOX_CONFIG;
    primary = spawn(process.execPath, [path.join(root, 'test/support/run-ts.js'), 'bff/src/main.ts'], {
      cwd: root,
      stdio: process.env.WORKERS_TEST_STDERR ? 'inherit' : 'ignore',
      env: {
        PATH: process.env.PATH,
        WORKERS: '2',
        SANDBOX: '0',
        PORT: String(port),
        REDIS_URL: redisUrl,
        REDIS_PREFIX: prefix,
        WECHAT_API_BASE: `http://127.0.0.1:${sandboxPort}/sandbox`,
        WECHAT_APPID: serviceAccount.appid,
        WECHAT_APPSECRET: serviceAccount.secret,
        WECHAT_TOKEN: 'sandboxtoken',
        WXA_APPID: miniProgram.appid,
        WXA_SECRET: miniProgram.secret,
        ADMIN_TOKEN: randomBytes(18).toString('base64url'),
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        LOG_LEVEL: process.env.WORKERS_TEST_STDERR ? 'info' : 'error',
      },
    });
    await until(async () => (await pidsAnswering(8)).size === 2, 'two workers answering', 60_000);
  }, 90_000);

  afterAll(async () => {
    if (primary.exitCode === null && primary.signalCode === null) primary.kill('SIGKILL');
    sandbox?.close();
    const redis = connectRedis(redisUrl);
    await redisReady(redis);
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  it('two processes answer on one port, each saying its pid', async () => {
    const pids = await pidsAnswering();
    expect(pids.size).toBe(2);
    expect(pids.has(primary.pid!)).toBe(false);
  });

  it('a worker killed (SIGKILL) is replaced', async () => {
    const [victim] = [...(await pidsAnswering())];
    process.kill(victim!, 'SIGKILL');
    const after = await until(async () => {
      const pids = await pidsAnswering();
      return pids.size === 2 && !pids.has(victim!) && pids;
    }, 'a replacement worker');
    expect(after.size).toBe(2);
  }, 60_000);

  it('SIGTERM stops every worker, then the primary', async () => {
    const workers = [...(await pidsAnswering())];
    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
    primary.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  }, 30_000);
});

describe('WORKERS settings', () => {
  it('is a whole number from 1 to 64; more than 1 goes with SANDBOX=1 (the sandbox is a service of its own)', () => {
    expect(loadConfig({ SANDBOX: '1' }).workers).toBe(1);
    expect(() => loadConfig({ SANDBOX: '1', WORKERS: '0' })).toThrow(/WORKERS/);
    expect(() => loadConfig({ SANDBOX: '1', WORKERS: 'two' })).toThrow(/WORKERS/);
    expect(() => loadConfig({ SANDBOX: '1', WORKERS: '65' })).toThrow(/WORKERS/);
    const config = loadConfig({ SANDBOX: '1', WORKERS: '2' });
    expect(config.workers).toBe(2);
    expect(config.sandboxUrl).toBe('http://127.0.0.1:3100');
  });
});
