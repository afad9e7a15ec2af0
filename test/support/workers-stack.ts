import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import path from 'node:path';
import { connectRedis, redisReady } from '../../bff/src/redis/connect';
import { deleteByPrefix } from '../../bff/src/redis/delete-by-prefix';
import { redisKeys } from '../../bff/src/redis/keys';
import { createSandboxApp, DEMO_SANDBOX_CONFIG } from '@giftcard/sandbox';
import { freePort } from './free-port';

const root = path.resolve(__dirname, '../..');

/** Polls `read` until it answers something truthy (errors count as not yet). */
export async function until<T>(read: () => Promise<T | undefined | false>, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * `WORKERS=N` BFF processes as production runs them (node:cluster, one port, OS processes of their own),
 * against one WeChat: a sandbox started alone in this process, which every worker reaches over HTTP.
 * Redis under a prefix of the stack's own; `stop()` kills what is left and deletes only that prefix
 * (on a cluster too).
 */
export async function startWorkersStack(opts: {
  workers: number;
  env?: Record<string, string>;
  /** Redis (default REDIS_URL or 127.0.0.1:6379), e.g. a cluster's `redis+cluster://` URL. */
  redisUrl?: string;
  /** The key prefix (default a random one; on a cluster it needs a hash tag, `{…}:`). */
  prefix?: string;
}) {
  const sandboxPort = await freePort();
  const { app, world } = createSandboxApp();
  const sandbox: Server = app.listen(sandboxPort, '127.0.0.1');
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const redisUrl = opts.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  const prefix = opts.prefix ?? `gc:test:${randomBytes(6).toString('hex')}:`;
  const adminToken = randomBytes(18).toString('base64url');
  const { serviceAccount, miniProgram } = DEMO_SANDBOX_CONFIG;
  const wechatToken = 'sandboxtoken';
  const primary: ChildProcess = spawn(process.execPath, [path.join(root, 'test/support/run-ts.js'), 'bff/src/main.ts'], {
    cwd: root,
    stdio: process.env.WORKERS_TEST_STDERR ? 'inherit' : 'ignore',
    env: {
      PATH: process.env.PATH,
      WORKERS: String(opts.workers),
      SANDBOX: '0',
      PORT: String(port),
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      WECHAT_API_BASE: `http://127.0.0.1:${sandboxPort}/sandbox`,
      WECHAT_APPID: serviceAccount.appid,
      WECHAT_APPSECRET: serviceAccount.secret,
      WECHAT_TOKEN: wechatToken,
      WXA_APPID: miniProgram.appid,
      WXA_SECRET: miniProgram.secret,
      ADMIN_TOKEN: adminToken,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      LOG_LEVEL: process.env.WORKERS_TEST_STDERR ? 'info' : 'error',
      ...opts.env,
    },
  });
  const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
  const redis = connectRedis(redisUrl);
  await redisReady(redis);

  /** The pids that answer /healthz over `n` fresh connections. */
  const pidsAnswering = async (n = 24) => {
    const pids = new Set<number>();
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${origin}/healthz`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(2000) });
      pids.add(((await res.json()) as { pid: number }).pid);
    }
    return pids;
  };
  await until(async () => (await pidsAnswering(8)).size === opts.workers, `${opts.workers} workers answering`, 60_000);

  return {
    origin,
    world,
    primary,
    exited,
    redis,
    prefix,
    keys: redisKeys(prefix),
    adminToken,
    wechatToken,
    pidsAnswering,
    async stop() {
      if (primary.exitCode === null && primary.signalCode === null) primary.kill('SIGKILL');
      await new Promise<void>((resolve) => sandbox.close(() => resolve()));
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}
export type WorkersStack = Awaited<ReturnType<typeof startWorkersStack>>;
