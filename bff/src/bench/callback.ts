import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { connectRedis, redisReady, type RedisClient } from '../redis/connect';
import { deleteByPrefix } from '../redis/delete-by-prefix';
import { parseEncodingAesKey, sealPush, writeXml } from '../wechat/message';
import { cpuDuring } from './support/cpu';
import { driveLoad, serialiseRequests, type LoadRequest, type LoadResult } from './support/load';
import { startServerProcess, type ServerProcess } from './support/server';
import { measurePushSteps } from './support/steps';
import { deleteKeysWhenStopped } from './support/stop';

/**
 * Callback ingestion (verify, parse, de-duplicate, durable store, acknowledge) with unique signed
 * pushes at 64 connections, against a bare Koa app reading the body and answering `success`, in the
 * same run; plain and safe mode. One JSON line per mode: medians over `BENCH_ROUNDS` (default 5)
 * alternating rounds of `BENCH_PUSHES` (default 20000) each, the CPU each process spent per push, and
 * the ratio's ceiling: what the pure steps of a push alone leave possible (support/steps.ts).
 */
const TOKEN = 'benchtoken';
const APPID = 'wxbenchappid0000';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
/** What the BFF's safe mode holds (the pushes are sealed with it, the steps opened with it). */
const SECRETS = { plain: { token: TOKEN }, aes: { token: TOKEN, aes: { key: parseEncodingAesKey(AES_KEY), appid: APPID } } };
const CONNECTIONS = 64;

function pushes(n: number, mode: 'plain' | 'aes', runId: string): LoadRequest[] {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return Array.from({ length: n }, (_, i) => {
    const nonce = `${runId}${i}`;
    const xml = writeXml({
      ToUserName: 'gh_bench',
      FromUserName: `o_bench_${i % 500}`,
      CreateTime: Number(timestamp),
      MsgType: 'event',
      Event: 'giftcard_pay_done',
      PageId: 'bench-page',
      OrderId: `bench-${runId}-${i}`,
    });
    const { query, body } = sealPush(xml, SECRETS[mode], { timestamp, nonce, toUserName: 'gh_bench' });
    return { path: `/wechat/callback?${query}`, body };
  });
}

function startServer(mode: string, env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  return startServerProcess(path.join(__dirname, 'support', 'callback-server.js'), [mode], env);
}

/** CPU microseconds per push of the server, Redis and the load generator, over the measured rounds. */
interface CpuPerPush {
  server: number | undefined;
  redis: number;
  load: number;
}

/** Drives one server through `work` and says what it cost in CPU on every side. */
function round(server: ServerProcess, work: Buffer[], redis: RedisClient) {
  return cpuDuring(server.pid, redis, () => driveLoad(server.port, work, CONNECTIONS));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Bare Koa and the BFF, alternating round by round, both servers up all along. A shared 2-core VM
 * drifts in speed by a third within a minute; a ratio taken between neighbouring rounds, and the
 * median over rounds, is what survives that.
 */
async function compare(mode: 'plain' | 'aes', env: NodeJS.ProcessEnv, n: number, rounds: number, redis: RedisClient) {
  const runId = randomBytes(3).toString('hex');
  // One unmeasured round each: the BFF server kept getting cheaper per push over its first ~40k pushes
  // (JIT, heap sizing), and a 2,000-push warm-up left the first measured rounds a third slower.
  const warmup = n;
  // Bare and BFF see the same pushes (each its own Redis keys), serialised once before any round.
  const requests = pushes(warmup + n * rounds, mode, runId);
  const all = serialiseRequests('127.0.0.1', requests);
  const steps = measurePushSteps(requests.slice(0, 2000), SECRETS[mode], mode === 'aes');
  const bareServer = await startServer('bare', env);
  const bffServer = await startServer(mode, env);
  try {
    await driveLoad(bareServer.port, all.slice(0, warmup), CONNECTIONS);
    await driveLoad(bffServer.port, all.slice(0, warmup), CONNECTIONS);
    const bare: LoadResult[] = [];
    const bff: LoadResult[] = [];
    const cpu = { bare: { server: 0, redis: 0, load: 0 }, bff: { server: 0, redis: 0, load: 0 } };
    let serverCpuKnown = true;
    for (let r = 0; r < rounds; r++) {
      const work = all.slice(warmup + r * n, warmup + (r + 1) * n);
      for (const [side, server, results] of [['bare', bareServer, bare], ['bff', bffServer, bff]] as const) {
        const { result, cpuMs } = await round(server, work, redis);
        results.push(result);
        if (cpuMs.server === undefined) serverCpuKnown = false;
        cpu[side].server += cpuMs.server ?? 0;
        cpu[side].redis += cpuMs.redis;
        cpu[side].load += cpuMs.load;
      }
    }
    const perPush = (ms: number) => Math.round((ms * 1000) / (n * rounds));
    const cpuOf = (c: { server: number; redis: number; load: number }): CpuPerPush => ({
      server: serverCpuKnown ? perPush(c.server) : undefined,
      redis: perPush(c.redis),
      load: perPush(c.load),
    });
    const ratios = bff.map((b, i) => b.rps / bare[i]!.rps);
    const bareCpu = cpuOf(cpu.bare).server;
    return {
      bench: `callback_ingest_${mode}`,
      pushes: n,
      rounds,
      connections: CONNECTIONS,
      rps: median(bff.map((x) => x.rps)),
      p50_ms: median(bff.map((x) => x.p50)),
      p99_ms: median(bff.map((x) => x.p99)),
      non_200: bff.reduce((sum, x) => sum + x.failures, 0),
      bare_koa_rps: median(bare.map((x) => x.rps)),
      bare_koa_p99_ms: median(bare.map((x) => x.p99)),
      ratio: Number(median(ratios).toFixed(2)),
      ratio_per_round: ratios.map((x) => Number(x.toFixed(2))),
      cpu_us_per_push: cpuOf(cpu.bff),
      bare_koa_cpu_us_per_push: cpuOf(cpu.bare),
      pure_steps_us_per_push: steps,
      // The most the ratio can be while each server is bound by its own core (support/steps.ts).
      ratio_ceiling: bareCpu === undefined ? undefined : Number((bareCpu / (bareCpu + steps.total)).toFixed(2)),
      target: { ratio: 0.5, p99_ms: 20 },
    };
  } finally {
    await Promise.all([bareServer.stop(), bffServer.stop()]);
  }
}

async function main() {
  const n = Number(process.env.BENCH_PUSHES ?? 20000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  const prefix = `gc:bench:${randomBytes(4).toString('hex')}:`;
  const redis = connectRedis(redisUrl);
  await redisReady(redis);
  const env = { ...process.env, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, WECHAT_TOKEN: TOKEN, WECHAT_APPID: APPID, BENCH_AES_KEY: AES_KEY, PORT: '0', LOG_LEVEL: 'error' };
  deleteKeysWhenStopped(redis, prefix);
  for (const mode of ['plain', 'aes'] as const) {
    process.stdout.write(`${JSON.stringify(await compare(mode, env, n, rounds, redis))}\n`);
  }
  await deleteByPrefix(redis, prefix);
  redis.disconnect();
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
