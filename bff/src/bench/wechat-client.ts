import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { connectRedis, redisReady } from '../redis/connect';
import { deleteByPrefix } from '../redis/delete-by-prefix';
import { redisKeys } from '../redis/keys';
import { createSandboxApp } from '@giftcard/sandbox';
import { createWechat } from '../wechat';
import { percentile } from './support/percentiles';
import { deleteKeysWhenStopped } from './support/stop';

/**
 * The WeChat client's overhead: calls through the request core (schema check, Redis-shared token,
 * HTTP, response check) against the in-process sandbox, 4 client instances at 64 in flight.
 * Prints one JSON line. `BENCH_CALLS` (default 5000), after WARMUP_CALLS unmeasured ones (at most as many as measured).
 */
const WARMUP_CALLS = 1000;

async function main() {
  const calls = Number(process.env.BENCH_CALLS ?? 5000);
  const concurrency = 64;
  const { app, world } = createSandboxApp();
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sandbox`;
  const redis = connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0');
  await redisReady(redis);
  const prefix = `gc:bench:${randomBytes(4).toString('hex')}:`;
  const keys = redisKeys(prefix);
  deleteKeysWhenStopped(redis, prefix);
  world.scan.createProduct({ keystandard: 'ean13', keystr: '6900000000000', category_id: 1, category_name: 'demo', brand_info: {}, status: 'on' });
  const { appid, secret } = world.config.serviceAccount;
  const clients = Array.from({ length: 4 }, () => createWechat({ baseUrl: apiBase, appid, secret, redis, keys }));

  const product = { keystandard: 'ean13', keystr: '6900000000000' };
  const run = async (n: number) => {
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        while (next < n) {
          next++;
          const t = performance.now();
          await clients[worker % 4]!.client.scan.getProduct(product);
          latencies.push(performance.now() - t);
        }
      }),
    );
    return { latencies, seconds: (performance.now() - started) / 1000 };
  };
  // Unmeasured: the first token fetch (every call waits on it) and the JIT's first compilations, which
  // otherwise made p99 a start-up figure.
  await run(Math.min(WARMUP_CALLS, calls));
  const { latencies, seconds } = await run(calls);
  latencies.sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'wechat_client_calls',
      calls,
      concurrency,
      calls_per_s: Math.round(calls / seconds),
      p50_ms: percentile(latencies, 50),
      p99_ms: percentile(latencies, 99),
      token_fetches: world.calls.get('auth.getStableToken'),
    })}\n`,
  );
  await deleteByPrefix(redis, prefix); // the token and its lock: everything this run wrote
  redis.disconnect();
  server.close();
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
