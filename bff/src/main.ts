import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './log';
import { Metrics, observeRedisScripts, wechatCallObserver } from './ops/metrics';
import { metricsApp } from './ops/routes';
import { connectRedis, redisReady } from './redis/connect';
import { redisKeys } from './redis/keys';
import { startProjector } from './projector';
import { DEMO_SANDBOX_CONFIG, SandboxWorld, startPusher } from './sandbox';
import { seedDemo } from './sandbox/demo-seed';
import { createWechat } from './wechat';
import { startWebhooks } from './webhooks';
import { runWorkers } from './workers';

/** The BFF process: settings, Redis, the WeChat client, the app, and (SANDBOX=1) the sandbox. */
async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger();
  if (config.workers > 1 && cluster.isPrimary) return runWorkers(config.workers, logger);
  const metrics = new Metrics();
  observeRedisScripts(metrics);
  const redis = connectRedis(config.redisUrl, config.redisClusterNodes);
  redis.on('error', (e: Error) => logger.warn('redis error', { error: e.message }));
  await redisReady(redis, 10_000);
  const keys = redisKeys(config.redisPrefix);
  const wechat = createWechat({
    baseUrl: config.wechatApiBase,
    appid: config.wechatAppid,
    secret: config.wechatAppsecret,
    redis,
    keys,
    onCall: wechatCallObserver(metrics),
  });
  // The sandbox plays the WeChat account the settings name, so BFF and sandbox agree.
  const sandbox = config.sandbox
    ? new SandboxWorld({
        ...DEMO_SANDBOX_CONFIG,
        serviceAccount: { ...DEMO_SANDBOX_CONFIG.serviceAccount, appid: config.wechatAppid, secret: config.wechatAppsecret },
        miniProgram: { appid: config.wxaAppid, secret: config.wxaSecret },
      })
    : undefined;
  // The H5 app at /app/: H5_DIR, or in sandbox mode the repo's own build (`pnpm build` makes it).
  const h5Dir = config.h5Dir ?? (config.sandbox ? path.resolve(__dirname, '..', '..', 'miniprogram', 'dist-h5') : undefined);
  const app = createApp({ config, redis, keys, wechat, metrics, logger, sandbox, h5Dir });
  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const origin = `http://${config.host}:${config.port}`;
  logger.info('listening', { origin, sandbox: config.sandbox, wechatApiBase: config.wechatApiBase });
  // Tokens the sandbox made up are printed for the person at the terminal, not logged: log lines redact them.
  if (config.generated.includes('ADMIN_TOKEN')) process.stdout.write(`Sandbox admin token (merchant API bearer): ${config.adminToken}\n`);
  if (config.generated.includes('METRICS_TOKEN')) process.stdout.write(`Sandbox metrics token (/metrics bearer):    ${config.metricsToken}\n`);
  // METRICS_PORT: /metrics on loopback only, whatever HOST is; never on the public origin without a token.
  const metricsServer = config.metricsPort === undefined ? undefined : metricsApp(metrics).listen(config.metricsPort, '127.0.0.1');
  if (config.metricsToken === undefined && config.metricsPort === undefined) logger.info('/metrics not served: set METRICS_TOKEN (bearer) or METRICS_PORT (loopback)');
  // The BFF's own consumer of the events stream: per-user orders, cards and invoice state.
  const projector = await startProjector({ redis, keys, client: wechat.client, logger, trimEveryMs: config.eventsTrimEveryMs });
  // Merchant webhooks: the consumer group `webhooks`, shared with every other BFF process on this Redis.
  const webhooks = config.merchantWebhook ? await startWebhooks({ redis, keys, config: config.merchantWebhook, logger, metrics }) : undefined;
  if (config.eventsTrimEveryMs === undefined) logger.info('events stream not trimmed: set EVENTS_TRIM_EVERY_MS once every consumer group exists');
  // In sandbox mode WeChat's pushes come from the sandbox, to this process's own callback.
  if (sandbox) startPusher(sandbox, { url: `${origin}/wechat/callback`, token: config.wechatToken, aesKey: config.wechatAesKey });
  if (h5Dir) {
    const built = existsSync(path.join(h5Dir, 'index.html'));
    process.stdout.write(`App (H5):       ${origin}/app/   (${built ? `from ${h5Dir}` : `${h5Dir} not built yet: pnpm build`})\n`);
  }
  // Demo data, made through the merchant API and the sandbox's user actions; the URLs to try it.
  if (sandbox) {
    try {
      const demo = await seedDemo({ origin, adminToken: config.adminToken, wxaAppid: config.wxaAppid });
      process.stdout.write(
        [
          `Demo data:      cards ${demo.cardIds.join(', ')} on shelf ${demo.pageId} (bound to ${config.wxaAppid}); order ${demo.order.order_id} by o_demo_buyer`,
          `Demo card jump: ${origin}${demo.cardJumpPath}`,
          `Demo shelf:     ${origin}/app/#/pages/shelf/index?demo_user=o_demo_mini`,
          '',
        ].join('\n'),
      );
    } catch (e) {
      logger.error('demo data not seeded', { error: (e as Error).message });
    }
  }
  // Drain: stop accepting, let what is being served finish (a push is answered only once stored), then
  // stop the consumers (their pending entries stay for the other processes to claim) and leave.
  const stop = async () => {
    sandbox?.pusher?.stop();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // A connection that never goes idle does not hold the process past WeChat's own 5 s timeout, twice.
    setTimeout(() => server.closeAllConnections(), 10_000).unref();
    metricsServer?.close();
    await closed;
    await projector.stop();
    await webhooks?.stop();
    redis.disconnect();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e: Error) => {
  process.stderr.write(`fatal: ${e.message}\n`);
  process.exit(1);
});
