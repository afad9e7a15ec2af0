import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createApp } from './app';
import { ConfigError, generatedSecrets, loadConfig, type Config } from './config';
import { createLogger } from './log';
import { Metrics, aggregateWorkerMetrics, observeRedisScripts, wechatCallObserver } from './ops/metrics';
import { metricsApp } from './ops/routes';
import { connectRedis, redisReady } from './redis/connect';
import { redisKeys } from './redis/keys';
import { startProjector } from './projector';
import { createWechat } from './wechat';
import { startWebhooks } from './webhooks';
import { runWorkers } from './workers';

/**
 * The BFF process: settings, Redis, the WeChat client, the app. With SANDBOX=1 its WeChat is the sandbox
 * running as a service of its own (SANDBOX_URL; `pnpm start` starts it and seeds the demo data), which
 * the app serves under /sandbox; nothing of the sandbox runs in here.
 */
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
  // The H5 app at /app/: H5_DIR, or in sandbox mode the repo's own build (`pnpm build` makes it).
  const h5Dir = config.h5Dir ?? (config.sandbox ? path.resolve(__dirname, '..', '..', 'miniprogram', 'dist-h5') : undefined);
  if (config.workers > 1 && cluster.isPrimary) {
    announce(config, h5Dir);
    // Secrets made up here are given to every worker, so they all take the same admin token and sessions.
    aggregateWorkerMetrics();
    return runWorkers(config.workers, logger, generatedSecrets(config));
  }
  const metrics = new Metrics();
  // WORKERS>1: /metrics answers for every worker, whichever one takes the request.
  if (cluster.isWorker) metrics.shareWithPrimary();
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
  const app = createApp({ config, redis, keys, wechat, metrics, logger, h5Dir });
  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const origin = `http://${config.host}:${config.port}`;
  logger.info('listening', { origin, sandbox: config.sandboxUrl ?? false, wechatApiBase: config.wechatApiBase });
  if (cluster.isPrimary) announce(config, h5Dir);
  // METRICS_PORT: /metrics on loopback only, whatever HOST is; never on the public origin without a token.
  const metricsServer = config.metricsPort === undefined ? undefined : metricsApp(metrics).listen(config.metricsPort, '127.0.0.1');
  if (config.metricsToken === undefined && config.metricsPort === undefined) logger.info('/metrics not served: set METRICS_TOKEN (bearer) or METRICS_PORT (loopback)');
  // The BFF's own consumer of the events stream: per-user orders, cards and invoice state.
  const projector = await startProjector({ redis, keys, client: wechat.client, logger, trimEveryMs: config.eventsTrimEveryMs });
  // Merchant webhooks: the consumer group `webhooks`, shared with every other BFF process on this Redis.
  const webhooks = config.merchantWebhook ? await startWebhooks({ redis, keys, config: config.merchantWebhook, logger, metrics }) : undefined;
  if (config.eventsTrimEveryMs === undefined) logger.info('events stream not trimmed: set EVENTS_TRIM_EVERY_MS once every consumer group exists');
  // Drain: stop accepting, let what is being served finish (a push is answered only once stored), then
  // stop the consumers (their pending entries stay for the other processes to claim) and leave.
  const stop = async () => {
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

/**
 * What the person at the terminal needs, printed once (by the primary when there are workers): the
 * tokens the sandbox mode made up (printed, never logged: log lines redact them) and the H5 app.
 */
function announce(config: Config, h5Dir: string | undefined): void {
  if (config.generated.includes('ADMIN_TOKEN')) process.stdout.write(`Sandbox admin token (merchant API bearer): ${config.adminToken}\n`);
  if (config.generated.includes('METRICS_TOKEN')) process.stdout.write(`Sandbox metrics token (/metrics bearer):    ${config.metricsToken}\n`);
  if (h5Dir) {
    const built = existsSync(path.join(h5Dir, 'index.html'));
    const origin = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
    process.stdout.write(`App (H5):       ${origin}/app/   (${built ? `from ${h5Dir}` : `${h5Dir} not built yet: pnpm build`})\n`);
  }
}

main().catch((e: Error) => {
  process.stderr.write(`fatal: ${e.message}\n`);
  process.exit(1);
});
