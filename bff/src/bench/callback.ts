import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { connectRedis, redisReady, type RedisClient } from '../redis/connect';
import { deleteByPrefix } from '../redis/delete-by-prefix';
import { redisKeys } from '../redis/keys';
import { parseEncodingAesKey, sealPush, writeXml } from '@giftcard/shared/wechat/message';
import { cpuDuring, type CpuSpent } from './support/cpu';
import { driveLoad, serialiseRequests, type LoadRequest, type LoadResult } from './support/load';
import { median } from './support/percentiles';
import { startServerProcess, type ServerProcess } from './support/server';
import { measurePushSteps, type PushSteps } from './support/steps';
import { deleteKeysWhenStopped } from './support/stop';

/**
 * Callback ingestion (verify, parse, de-duplicate, durable store, acknowledge) with unique signed
 * pushes at 64 connections, in the same run and with the same load generator as three yardsticks: a
 * bare Koa app reading the body and answering `success`; the peer a Node user would otherwise pick,
 * node-webot's co-wechat on Koa (verifies, parses, in safe mode decrypts and seals its answer; stores
 * nothing); and the steps-only server, bare Koa doing the callback's pure steps and nothing else
 * (support/callback-server.ts): the ratio's ceiling as a server can actually run it.
 * Plain and safe mode. One JSON line per mode: medians over `BENCH_ROUNDS` (default 5) alternating
 * rounds of `BENCH_PUSHES` (default 20000) each, ours ÷ co-wechat (`ratio_co_wechat`), ours ÷ bare
 * Koa (`ratio`), ours ÷ steps-only (`ratio_steps_only`), the CPU each process spent per push, and the
 * ratio's ceiling: what the pure steps of a push alone leave possible (support/steps.ts), and how much
 * of it the BFF reached (`ceiling_share`) and the steps-only server reached (`steps_only_ceiling_share`).
 */
const TOKEN = 'benchtoken';
const APPID = 'wxbenchappid0000';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
/** What the BFF's safe mode holds (the pushes are sealed with it, the steps opened with it). */
const SECRETS = { plain: { token: TOKEN }, aes: { token: TOKEN, aes: { key: parseEncodingAesKey(AES_KEY), appid: APPID } } };
const CONNECTIONS = 64;
/**
 * Issue 15's targets: ours ÷ co-wechat per mode, p99 at 64 connections, the share of ratio_ceiling
 * reached (plain). And that share's intent measured against the ceiling as a server reaches it:
 * ours ÷ steps-only (plain), since the steps-only server itself reached 0.72-0.89 of ratio_ceiling
 * (median 0.78 over 12 runs) on these machines (the pure steps cost more inside a loaded server than in a hot loop).
 */
const TARGETS = {
  plain: { ratio_co_wechat: 1.2, p99_ms: 20, ceiling_share: 0.85, ratio_steps_only: 0.85 },
  aes: { ratio_co_wechat: 1.0, p99_ms: 20 },
} as const;

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

/**
 * Bare Koa, co-wechat, the steps-only server and the BFF, alternating round by round, all servers up
 * all along, and the pure steps measured again before each round. A shared 2-core VM drifts in speed
 * by a third within a minute; a ratio taken between neighbouring rounds, and the median over rounds, is
 * what survives that. The ceiling too is taken per round (that round's bare Koa and steps): measured
 * once, the steps alone had moved it from 0.50 to 0.60 between two runs.
 */
async function compare(mode: 'plain' | 'aes', env: NodeJS.ProcessEnv, n: number, rounds: number, redis: RedisClient) {
  const runId = randomBytes(3).toString('hex');
  // One unmeasured round each: the BFF server kept getting cheaper per push over its first ~40k pushes
  // (JIT, heap sizing), and a 2,000-push warm-up left the first measured rounds a third slower.
  const warmup = n;
  // Every server sees the same pushes (the BFF stores them under its own keys), serialised once before any round.
  const requests = pushes(warmup + n * rounds, mode, runId);
  const all = serialiseRequests('127.0.0.1', requests);
  // Each measurement of the store step writes under keys of its own: pushes it stored before would be duplicates.
  const measureSteps = (label: string) =>
    measurePushSteps(requests.slice(0, 2000), SECRETS[mode], mode === 'aes', { redis, keys: redisKeys(`${env.REDIS_PREFIX}steps:${label}:`) });
  await measureSteps('warmup');
  const bareServer = await startServer('bare', env);
  const coServer = await startServer('co-wechat', env);
  const stepsServer = await startServer(`steps-${mode}`, env);
  const bffServer = await startServer(mode, env);
  try {
    for (const server of [bareServer, coServer, stepsServer, bffServer]) await driveLoad(server.port, all.slice(0, warmup), CONNECTIONS);
    const sides = { bare: bareServer, co: coServer, steps: stepsServer, bff: bffServer };
    type Side = keyof typeof sides;
    const results: Record<Side, LoadResult[]> = { bare: [], co: [], steps: [], bff: [] };
    const spent: Record<Side, CpuSpent[]> = { bare: [], co: [], steps: [], bff: [] };
    const steps: PushSteps[] = [];
    for (let r = 0; r < rounds; r++) {
      steps.push(await measureSteps(String(r)));
      const work = all.slice(warmup + r * n, warmup + (r + 1) * n);
      for (const side of Object.keys(sides) as Side[]) {
        const { result, cpuMs } = await round(sides[side], work, redis);
        results[side].push(result);
        spent[side].push(cpuMs);
      }
    }
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    // Server CPU is read from /proc: unknown anywhere, unknown for every side.
    const serverCpuKnown = Object.values(spent).every((rs) => rs.every((r) => r.server !== undefined));
    /** Server µs per push of one side in round `i`. */
    const serverUs = (side: Side, i: number) => (spent[side][i]!.server! * 1000) / n;
    const cpuOf = (side: Side): CpuPerPush => {
      const perPush = (of: (r: CpuSpent) => number) => Math.round((sum(spent[side].map(of)) * 1000) / (n * rounds));
      return { server: serverCpuKnown ? perPush((r) => r.server!) : undefined, redis: perPush((r) => r.redis), load: perPush((r) => r.load) };
    };
    const { bare, co, steps: stepsOnly, bff } = results;
    const perRound = (of: (i: number) => number) => Array.from({ length: rounds }, (_, i) => of(i));
    const ratios = perRound((i) => bff[i]!.rps / bare[i]!.rps);
    const coRatios = perRound((i) => bff[i]!.rps / co[i]!.rps);
    const stepsOnlyRatios = perRound((i) => stepsOnly[i]!.rps / bare[i]!.rps);
    const overStepsOnly = perRound((i) => bff[i]!.rps / stepsOnly[i]!.rps);
    // The most the ratio can be while each server is bound by its own core (support/steps.ts), per round.
    const ceilings = serverCpuKnown ? perRound((i) => serverUs('bare', i) / (serverUs('bare', i) + steps[i]!.total)) : undefined;
    const shareOf = (ratiosOf: number[]) => (ceilings ? fixed(median(perRound((i) => ratiosOf[i]! / ceilings[i]!)), 2) : undefined);
    const ratioCo = fixed(median(coRatios), 2);
    const p99 = median(bff.map((x) => x.p99));
    const ceilingShare = shareOf(ratios);
    const ratioStepsOnly = fixed(median(overStepsOnly), 2);
    const target = TARGETS[mode];
    return {
      bench: `callback_ingest_${mode}`,
      pushes: n,
      rounds,
      connections: CONNECTIONS,
      rps: median(bff.map((x) => x.rps)),
      p50_ms: median(bff.map((x) => x.p50)),
      p99_ms: p99,
      non_200: sum(bff.map((x) => x.failures)),
      bare_koa_rps: median(bare.map((x) => x.rps)),
      bare_koa_p99_ms: median(bare.map((x) => x.p99)),
      co_wechat_rps: median(co.map((x) => x.rps)),
      co_wechat_p99_ms: median(co.map((x) => x.p99)),
      co_wechat_non_200: sum(co.map((x) => x.failures)),
      steps_only_rps: median(stepsOnly.map((x) => x.rps)),
      steps_only_non_200: sum(stepsOnly.map((x) => x.failures)),
      ratio_co_wechat: ratioCo,
      ratio_co_wechat_per_round: coRatios.map((x) => fixed(x, 2)),
      ratio: fixed(median(ratios), 2),
      ratio_per_round: ratios.map((x) => fixed(x, 2)),
      ratio_ceiling: ceilings && fixed(median(ceilings), 2),
      ratio_ceiling_per_round: ceilings?.map((x) => fixed(x, 2)),
      ceiling_share: ceilingShare,
      steps_only_ratio: fixed(median(stepsOnlyRatios), 2),
      steps_only_ceiling_share: shareOf(stepsOnlyRatios),
      ratio_steps_only: ratioStepsOnly,
      ratio_steps_only_per_round: overStepsOnly.map((x) => fixed(x, 2)),
      cpu_us_per_push: cpuOf('bff'),
      co_wechat_cpu_us_per_push: cpuOf('co'),
      bare_koa_cpu_us_per_push: cpuOf('bare'),
      steps_only_cpu_us_per_push: cpuOf('steps'),
      pure_steps_us_per_push: medianSteps(steps),
      target,
      target_met: {
        ratio_co_wechat: ratioCo >= target.ratio_co_wechat,
        p99_ms: p99 <= target.p99_ms,
        ...('ceiling_share' in target && { ceiling_share: ceilingShare !== undefined && ceilingShare >= target.ceiling_share }),
        ...('ratio_steps_only' in target && { ratio_steps_only: ratioStepsOnly >= target.ratio_steps_only }),
      },
    };
  } finally {
    await Promise.all([bareServer.stop(), coServer.stop(), stepsServer.stop(), bffServer.stop()]);
  }
}

const fixed = (x: number, digits: number) => Number(x.toFixed(digits));

/** Each step's median over the rounds, and their sum. */
function medianSteps(steps: PushSteps[]): PushSteps {
  const of = (k: keyof PushSteps) => fixed(median(steps.map((s) => s[k])), 1);
  const parts = { open: of('open'), record: of('record'), store: of('store'), seal: of('seal') };
  return { ...parts, total: fixed(parts.open + parts.record + parts.store + parts.seal, 1) };
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
  // BENCH_MODES=plain (or aes): one mode only, while working on it.
  const modes = (process.env.BENCH_MODES ?? 'plain,aes').split(',').filter((m): m is 'plain' | 'aes' => m === 'plain' || m === 'aes');
  for (const mode of modes) {
    process.stdout.write(`${JSON.stringify(await compare(mode, env, n, rounds, redis))}\n`);
  }
  await deleteByPrefix(redis, prefix);
  redis.disconnect();
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
