import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { silentLogger, type Logger } from '../../src/log';
import { Metrics } from '../../src/ops/metrics';
import { startProjector } from '../../src/projector';
import { startPusher } from '@giftcard/sandbox';
import { createWechat } from '../../src/wechat';
import { startWebhooks } from '../../src/webhooks';
import { testRedis } from './redis';
import { startSandbox } from './sandbox';

/**
 * The real BFF in sandbox mode, on a free port, against real Redis under a private prefix, and the
 * WeChat sandbox as a service of its own on another port (in this process, so `world` is at hand):
 * what `pnpm start` runs, minus the H5 build. SANDBOX=1 with SANDBOX_URL: the BFF serves the sandbox
 * under its /sandbox (a proxy) and reaches it there, so the port is taken first.
 */
export async function startBff(env: Record<string, string> = {}, opts: {
    redisUrl?: string;
    /** The Redis key prefix (default: a random one of this BFF's own). */
    prefix?: string;
    storeDeadlineMs?: number;
    /** Start the sandbox's pusher to this BFF's callback (retries this many ms apart). */
    pushRetryDelayMs?: number;
    /** Start the BFF's projector. */
    projector?: boolean;
    /** Start the merchant webhook sender (MERCHANT_WEBHOOK_URL and _SECRET in `env`). */
    webhooks?: boolean;
    /** The till's settle grace (ms). */
    tillSettleGraceMs?: number;
    /** Clock (ms) of projection reads and ages, for the app and the projector alike. */
    clockMs?: () => number;
    /** A built H5 app to serve at /app/. */
    h5Dir?: string;
    /** The app's logger (default: silent). */
    logger?: Logger;
  } = {}) {
  const db = await testRedis(opts.redisUrl, opts.prefix);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const sandbox = await startSandbox();
  const world = sandbox.world;
  const config = loadConfig({ SANDBOX: '1', PORT: String(port), REDIS_PREFIX: db.prefix, SANDBOX_URL: sandbox.origin, ...env });
  const metrics = new Metrics();
  const wechat = createWechat({ baseUrl: config.wechatApiBase, appid: config.wechatAppid, secret: config.wechatAppsecret, redis: db.redis, keys: db.keys });
  const app = createApp({ config, redis: db.redis, keys: db.keys, wechat, metrics, logger: opts.logger ?? silentLogger, storeDeadlineMs: opts.storeDeadlineMs, tillSettleGraceMs: opts.tillSettleGraceMs, clockMs: opts.clockMs, h5Dir: opts.h5Dir });
  server.on('request', app.callback());
  const pusher =
    opts.pushRetryDelayMs === undefined
      ? undefined
      : startPusher(world, { url: `${origin}/wechat/callback`, token: config.wechatToken, aesKey: config.wechatAesKey, retryDelayMs: opts.pushRetryDelayMs, timeoutMs: 2000 });
  const projector = opts.projector ? await startProjector({ redis: db.redis, keys: db.keys, client: wechat.client, logger: silentLogger, consumer: { blockMs: 100 }, now: opts.clockMs }) : undefined;
  const webhooks = opts.webhooks && config.merchantWebhook ? await startWebhooks({ redis: db.redis, keys: db.keys, config: config.merchantWebhook, logger: silentLogger, metrics }) : undefined;
  return {
    origin,
    /** The sandbox's own origin (SANDBOX_URL), beside the BFF's `/sandbox` proxy. */
    sandboxOrigin: sandbox.origin,
    world,
    metrics,
    webhooks,
    db,
    config,
    wechat,
    pusher,
    projector,
    /** POST a sandbox control action (acting as WeChat or a WeChat user), as `startSandbox` does. */
    async control<T = unknown>(path: string, body: unknown = {}): Promise<T> {
      const res = await fetch(`${origin}/sandbox/_control/${path}`, { method: 'POST', body: JSON.stringify(body) });
      const json = (await res.json()) as T;
      if (!res.ok) throw new Error(`control ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
    close: async () => {
      pusher?.stop();
      await projector?.stop();
      await webhooks?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await sandbox.close();
      await db.cleanup();
    },
  };
}
