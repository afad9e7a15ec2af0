import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { Metrics } from '../../src/ops/metrics';
import { DEMO_SANDBOX_CONFIG, SandboxWorld } from '../../src/sandbox';
import { createWechat } from '../../src/wechat';
import { testRedis } from './redis';

/**
 * The real BFF with the sandbox mounted, on a free port, against real Redis under a private
 * prefix: what `pnpm start` runs, minus the H5 build. The port is taken first because the BFF
 * reaches the sandbox over HTTP at its own origin.
 */
export async function startBff(env: Record<string, string> = {}, opts: { redisUrl?: string; storeDeadlineMs?: number } = {}) {
  const db = await testRedis(opts.redisUrl);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const config = loadConfig({ SANDBOX: '1', PORT: String(port), REDIS_PREFIX: db.prefix, ...env });
  const world = new SandboxWorld({ ...DEMO_SANDBOX_CONFIG });
  const metrics = new Metrics();
  const wechat = createWechat({ baseUrl: config.wechatApiBase, appid: config.wechatAppid, secret: config.wechatAppsecret, redis: db.redis, keys: db.keys });
  const app = createApp({ config, redis: db.redis, keys: db.keys, wechat, metrics, logger: silentLogger, sandbox: world, storeDeadlineMs: opts.storeDeadlineMs });
  server.on('request', app.callback());
  return {
    origin,
    world,
    db,
    config,
    wechat,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.cleanup();
    },
  };
}
