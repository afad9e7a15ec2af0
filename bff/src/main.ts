import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './log';
import { Metrics } from './ops/metrics';
import { connectRedis, redisReady } from './redis/connect';
import { redisKeys } from './redis/keys';
import { startProjector } from './projector';
import { DEMO_SANDBOX_CONFIG, SandboxWorld, startPusher } from './sandbox';
import { createWechat } from './wechat';

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
  const metrics = new Metrics();
  const redis = connectRedis(config.redisUrl, config.redisClusterNodes);
  redis.on('error', (e: Error) => logger.warn('redis error', { error: e.message }));
  await redisReady(redis, 10_000);
  const keys = redisKeys(config.redisPrefix);
  const wechatCalls = metrics.counter('wechat_calls_total', 'WeChat API calls by endpoint and errcode.');
  const wechat = createWechat({
    baseUrl: config.wechatApiBase,
    appid: config.wechatAppid,
    secret: config.wechatAppsecret,
    redis,
    keys,
    onCall: (c) => wechatCalls.add({ endpoint: c.endpoint, errcode: c.errcode ?? 'none' }),
  });
  // The sandbox plays the WeChat account the settings name, so BFF and sandbox agree.
  const sandbox = config.sandbox
    ? new SandboxWorld({
        ...DEMO_SANDBOX_CONFIG,
        serviceAccount: { ...DEMO_SANDBOX_CONFIG.serviceAccount, appid: config.wechatAppid, secret: config.wechatAppsecret },
        miniProgram: { appid: config.wxaAppid, secret: config.wxaSecret },
      })
    : undefined;
  const app = createApp({ config, redis, keys, wechat, metrics, logger, sandbox });
  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const origin = `http://${config.host}:${config.port}`;
  logger.info('listening', { origin, sandbox: config.sandbox, wechatApiBase: config.wechatApiBase });
  if (config.generated.includes('ADMIN_TOKEN')) logger.info('sandbox admin token (merchant API bearer)', { adminToken: config.adminToken });
  // The BFF's own consumer of the events stream: per-user orders, cards and invoice state.
  const projector = await startProjector({ redis, keys, client: wechat.client, logger });
  // In sandbox mode WeChat's pushes come from the sandbox, to this process's own callback.
  if (sandbox) startPusher(sandbox, { url: `${origin}/wechat/callback`, token: config.wechatToken, aesKey: config.wechatAesKey });
  const stop = async () => {
    sandbox?.pusher?.stop();
    server.close();
    await projector.stop();
    redis.disconnect();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e: Error) => {
  process.stderr.write(`fatal: ${e.message}\n`);
  process.exit(1);
});
