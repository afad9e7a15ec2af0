import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { silentLogger } from '../../log';
import { Metrics } from '../../ops/metrics';
import { connectRedis, redisReady } from '../../redis/connect';
import { redisKeys } from '../../redis/keys';
import { createSandboxApp } from '@giftcard/sandbox';
import { createWechat } from '../../wechat';

/**
 * The server side of the till and list benchmarks: the real BFF in sandbox mode, as `pnpm start`
 * (SANDBOX=1) and the tests run it, in a process of its own, with the WeChat sandbox listening on a
 * port of its own in the same process (SANDBOX_URL; the BFF proxies /sandbox to it). Its WeChat calls
 * go over HTTP to its own origin's /sandbox, so this process's CPU is the BFF's and the sandbox's together. Settings come from the environment the benchmark gives (REDIS_URL,
 * REDIS_PREFIX, ADMIN_TOKEN, PROJECTION_MAX_AGE_S…).
 *
 * With `BENCH_SECOND_MAX_AGE_S` a second BFF app listens too, over the same Redis and sandbox, with
 * that PROJECTION_MAX_AGE_S: the same users and projections read under another freshness setting.
 * Prints `{"port":N,"projection_max_age_s":S[,"second_port":M]}` once listening.
 */
async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.keepAliveTimeout = 60_000;
  return (server.address() as AddressInfo).port;
}

async function main() {
  // The port is taken first: the BFF reaches the sandbox at its own origin.
  const server = createServer();
  const port = await listen(server);
  // One load generator on one IP, many requests per session: the per-IP and per-session quotas are off
  // unless the benchmark's environment sets them.
  const quotasOff = { RATE_LOGIN_PER_IP: 'off', RATE_API_PER_SESSION: 'off', RATE_LANDING_PER_IP: 'off' };
  const sandbox = createSandboxApp();
  const sandboxServer = createServer(sandbox.app.callback());
  const sandboxPort = await listen(sandboxServer);
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const config = loadConfig({ ...quotasOff, ...process.env, SANDBOX: '1', SANDBOX_URL: sandboxUrl, PORT: String(port), HOST: '127.0.0.1' });
  const redis = connectRedis(config.redisUrl);
  await redisReady(redis);
  const keys = redisKeys(config.redisPrefix);
  const wechat = createWechat({ baseUrl: config.wechatApiBase, appid: config.wechatAppid, secret: config.wechatAppsecret, redis, keys });
  const deps = { redis, keys, wechat, metrics: new Metrics(), logger: silentLogger };
  server.on('request', createApp({ ...deps, config }).callback());

  let secondPort: number | undefined;
  const secondAge = process.env.BENCH_SECOND_MAX_AGE_S;
  if (secondAge !== undefined) {
    const second = createServer();
    secondPort = await listen(second);
    // Same credentials and sessions; WeChat is the first app's sandbox.
    const secondConfig = { ...config, port: secondPort, projectionMaxAgeS: loadConfig({ PROJECTION_MAX_AGE_S: secondAge, SANDBOX: '1', SANDBOX_URL: sandboxUrl }).projectionMaxAgeS };
    second.on('request', createApp({ ...deps, config: secondConfig }).callback());
  }
  process.stdout.write(
    `${JSON.stringify({ port, projection_max_age_s: config.projectionMaxAgeS, ...(secondPort !== undefined && { second_port: secondPort }) })}\n`,
  );
  // A clean exit on a signal, so `node --cpu-prof` writes its profile.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
