import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sealPush, writeXml } from '@giftcard/shared/wechat/message';
import { processCpuMs } from './support/cpu';
import { driveLoad, serialiseRequests, type LoadRequest, type LoadResult } from './support/load';
import { freePort } from './support/free-port';
import { median } from './support/percentiles';
import { startServerProcess } from './support/server';
import { redisCluster } from './support/redis-cluster';

/**
 * Callback ingestion scaled out (issue 15): the real BFF (`node bff/dist/main.js`) with WORKERS=1 and
 * WORKERS=2 (node:cluster, one port) on a 3-master Redis Cluster of the benchmark's own, REDIS_PREFIX
 * hash-tagged. On a 2-core machine the load generator competes with the servers, so besides throughput
 * each run reports the CPU its BFF processes spent per push (/proc utime+stime of each worker, before
 * and after, over the pushes): the figure that must stay flat from 1 to 2 processes.
 *
 * The yardstick: node-webot's co-wechat on Koa in 1 and 2 processes through node:cluster, driven in the
 * same rounds by the same generator: no Redis, no batching, no consumers, so its growth from 1 to 2
 * processes is the machine's and node:cluster's, and the BFF's growth is also reported relative to its.
 * Group commit's part: each BFF process batches only the pushes it holds, so each run says how many
 * pushes an inbox batch carried, and WORKERS=2 is also driven at twice the connections, each process
 * then as busy as the 1 process is (the comparison at the same load per process).
 *
 * What WAIT costs: with a replica per master the inbox waits for one (WAIT 1) before a push is
 * acknowledged; a WORKERS=1 BFF on a second cluster, without replicas, waits for nothing, and runs in
 * the same rounds.
 *
 * Pushes are plain-mode text messages, unique, signed once up front: stored and de-duplicated like any
 * push, and nothing the projector (running in each worker) re-reads from WeChat, so no WeChat is
 * needed (WECHAT_API_BASE points nowhere). One JSON line: `callback_scaling`.
 */
const TOKEN = 'benchtoken';
/** Issue 15's 64; BENCH_SCALING_CONNECTIONS to see how CPU per push depends on how busy each process is. */
const CONNECTIONS = Number(process.env.BENCH_SCALING_CONNECTIONS ?? 64);
const root = path.resolve(__dirname, '..', '..', '..');

function pushes(n: number, runId: string): LoadRequest[] {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return Array.from({ length: n }, (_, i) => {
    const xml = writeXml({ ToUserName: 'gh_bench', FromUserName: `o_bench_${i % 500}`, CreateTime: Number(timestamp), MsgType: 'text', Content: `bench ${i}`, MsgId: `${runId}${i}` });
    const { query, body } = sealPush(xml, { token: TOKEN }, { timestamp, nonce: `${runId}${i}`, toUserName: 'gh_bench' });
    return { path: `/wechat/callback?${query}`, body };
  });
}

/** The pids of `parent`'s children (the workers of a node:cluster primary), from /proc. */
function childrenOf(parent: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Processes serving one port: the pids that do the work, and how to stop them all. */
interface Served {
  port: number;
  workers: number[];
  stop(): Promise<void>;
  /** The BFF: its /metrics says how many batches the inbox wrote. */
  bff: boolean;
}

const METRICS_TOKEN = randomBytes(18).toString('base64url');

/** Starts `script` with WORKERS=`workers` on a free port and waits for it to answer with every process up. */
async function serve(script: string, workers: number, env: NodeJS.ProcessEnv): Promise<Served> {
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS (as in the callback benchmark), e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`:
  // node:cluster's workers inherit them, so each process writes its own profile.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const primary = spawn(process.execPath, [...nodeArgs, script], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH, ...env, WORKERS: String(workers), PORT: String(port), HOST: '127.0.0.1' },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const pids = workers > 1 ? childrenOf(primary.pid!) : [primary.pid!];
    const up = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (up && pids.length === workers) return { port, workers: pids, stop: () => stop(primary), bff: true };
    if (primary.exitCode !== null || Date.now() > deadline) throw new Error(`${path.basename(script)} (WORKERS=${workers}) did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function startBff(redisUrl: string, workers: number): Promise<Served> {
  return serve(path.join(root, 'bff', 'dist', 'main.js'), workers, {
    SANDBOX: '0',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `{gcbench${randomBytes(3).toString('hex')}}:`,
    WECHAT_API_BASE: 'http://127.0.0.1:9',
    WECHAT_APPID: 'wxbenchappid0000',
    WECHAT_APPSECRET: 'benchsecret',
    WECHAT_TOKEN: TOKEN,
    WXA_APPID: 'wxbenchwxa000000',
    WXA_SECRET: 'benchwxasecret',
    ADMIN_TOKEN: randomBytes(18).toString('base64url'),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    METRICS_TOKEN,
    // The pushes are signed once, before the runs: a window of an hour outlasts them.
    PUSH_MAX_AGE_S: '3600',
    LOG_LEVEL: 'error',
  });
}

/** How many batches the inbox has written so far, all processes together (its script's runs, from /metrics). */
async function inboxBatches(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const line = (await res.text()).split('\n').find((l) => l.startsWith('redis_script_duration_seconds_count{') && l.includes('script="inbox_store_once"'));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * The yardstick: node-webot's co-wechat on Koa (as in the callback benchmark: verifies, parses, stores
 * nothing; support/callback-server.ts) in `workers` processes through node:cluster, as the BFF runs.
 * No Redis, no batching, no consumers: whatever CPU per request it gains from 1 to 2 processes is the
 * machine's and node:cluster's, not anything the BFF does.
 */
async function startCoWechat(workers: number): Promise<Served> {
  const port = workers > 1 ? await freePort() : 0;
  const server = await startServerProcess(path.join(__dirname, 'support', 'callback-server.js'), ['co-wechat'], {
    PATH: process.env.PATH,
    BENCH_SERVER_WORKERS: String(workers),
    PORT: String(port),
    WECHAT_TOKEN: TOKEN,
    WECHAT_APPID: 'wxbenchappid0000',
  });
  return { port: server.port, workers: workers > 1 ? childrenOf(server.pid) : [server.pid], stop: () => server.stop(), bff: false };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
  });
}

interface RunFigures {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  non_200: number;
  /** Server CPU per push, all BFF processes together (µs). */
  cpu_us_per_push: number;
  /** The same, each process apart (its CPU over all pushes). */
  cpu_us_per_push_by_process: number[];
  /** The cluster's redis-servers together (µs per push). */
  redis_cpu_us_per_push?: number;
  /**
   * Pushes per inbox script run (group commit), from the BFF's /metrics: each process forms its own
   * batches from the connections it holds, so with 2 processes each batch is smaller and its fixed
   * cost (a script call, a write, a WAIT) is shared by fewer pushes.
   */
  pushes_per_store_batch?: number;
  /**
   * Where the BFF processes' CPU per push went, all processes together: user and system µs, read and
   * write system calls, and context switches, voluntary (the event loop had nothing to do and slept in
   * epoll) and involuntary (a core taken from it by another process: the load generator, Redis, the
   * other worker). From /proc (Linux).
   */
  per_push: ProcCounters;
}

interface ProcCounters {
  user_us: number;
  system_us: number;
  reads: number;
  writes: number;
  voluntary_switches: number;
  involuntary_switches: number;
}

/** A process's counters so far (CPU in µs), from /proc/<pid>/stat, status and io. */
function countersOf(pid: number): ProcCounters {
  const read = (file: string) => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, 'utf8');
    } catch {
      return '';
    }
  };
  const stat = read('stat');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const field = (text: string, name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  const status = read('status');
  const io = read('io');
  // utime and stime in clock ticks (USER_HZ 100): 10,000 µs each.
  return {
    user_us: Number(fields[11] ?? 0) * 10_000,
    system_us: Number(fields[12] ?? 0) * 10_000,
    reads: field(io, 'syscr'),
    writes: field(io, 'syscw'),
    voluntary_switches: field(status, 'voluntary_ctxt_switches'),
    involuntary_switches: field(status, 'nonvoluntary_ctxt_switches'),
  };
}

/** `after - before`, summed over processes, per push. */
function perPushOf(before: ProcCounters[], after: ProcCounters[], pushes: number): ProcCounters {
  const out = { user_us: 0, system_us: 0, reads: 0, writes: 0, voluntary_switches: 0, involuntary_switches: 0 };
  for (const key of Object.keys(out) as (keyof ProcCounters)[]) {
    const total = after.reduce((sum, a, i) => sum + a[key] - before[i]![key], 0);
    out[key] = Number((total / pushes).toFixed(key.endsWith('_us') ? 0 : 2));
  }
  return out;
}

/** Drives `served` with `work` and reads what those pushes cost its processes. */
async function measure(served: Served, work: Buffer[], redisCpuMs?: () => number, connections = CONNECTIONS): Promise<RunFigures> {
  const before = served.workers.map((pid) => processCpuMs(pid) ?? 0);
  const countersBefore = served.workers.map(countersOf);
  const redisBefore = redisCpuMs?.();
  const batchesBefore = served.bff ? await inboxBatches(served.port) : 0;
  const result: LoadResult = await driveLoad(served.port, work, connections);
  const spent = served.workers.map((pid, i) => (processCpuMs(pid) ?? 0) - before[i]!);
  const counters = perPushOf(countersBefore, served.workers.map(countersOf), work.length);
  const batches = served.bff ? (await inboxBatches(served.port)) - batchesBefore : 0;
  const perPush = (ms: number) => Math.round((ms * 1000) / work.length);
  return {
    rps: result.rps,
    p50_ms: result.p50,
    p99_ms: result.p99,
    non_200: result.failures,
    cpu_us_per_push: perPush(spent.reduce((a, b) => a + b, 0)),
    cpu_us_per_push_by_process: spent.map(perPush),
    ...(redisBefore !== undefined && { redis_cpu_us_per_push: perPush(redisCpuMs!() - redisBefore) }),
    ...(served.bff && { pushes_per_store_batch: Number((work.length / Math.max(1, batches)).toFixed(1)) }),
    per_push: counters,
  };
}

/** The run of the median CPU per push among `runs`. */
function medianRun(runs: RunFigures[]): RunFigures {
  return [...runs].sort((a, b) => a.cpu_us_per_push - b.cpu_us_per_push)[Math.floor(runs.length / 2)]!;
}

async function main() {
  // Rounds of BENCH_SCALING_PUSHES (20,000) each, alternating the BFF with 1 and 2 processes and the
  // yardstick with 1 and 2, all servers up all along: a shared 2-core VM drifts in speed by a third
  // within a minute, and one run of each after the other (40,000 pushes a run) moved CPU per push by a
  // fifth between runs of the same server. Ratios are taken within a round, then the median over rounds.
  const n = Number(process.env.BENCH_SCALING_PUSHES ?? 20000);
  const rounds = Number(process.env.BENCH_SCALING_ROUNDS ?? 5);
  const runId = randomBytes(3).toString('hex');
  // Every run its own pushes (no run de-duplicates another's); a warm-up of one run's size first (JIT).
  const all = serialiseRequests('127.0.0.1', pushes(n * (6 * rounds + 5), runId));
  let next = 0;
  const take = (count: number) => all.slice(next, (next += count));
  const runs = {
    bff1: [] as RunFigures[],
    bff2: [] as RunFigures[],
    bff2Loaded: [] as RunFigures[],
    peer1: [] as RunFigures[],
    peer2: [] as RunFigures[],
    noWait: [] as RunFigures[],
  };
  // What WAIT costs: a 1-process BFF on a second cluster, without replicas (nothing waits), in the same rounds.
  const replicated = await redisCluster({ replicas: 1 });
  const unreplicated = await redisCluster({ replicas: 0 }).catch(async (e: unknown) => {
    await replicated.destroy();
    throw e;
  });
  const servers: Served[] = [];
  try {
    const started = {
      bff1: await startBff(replicated.url, 1),
      bff2: await startBff(replicated.url, 2),
      noWait: await startBff(unreplicated.url, 1),
      peer1: await startCoWechat(1),
      peer2: await startCoWechat(2),
    };
    servers.push(...Object.values(started));
    for (const server of servers) await driveLoad(server.port, take(n), CONNECTIONS);
    for (let r = 0; r < rounds; r++) {
      runs.bff1.push(await measure(started.bff1, take(n), replicated.cpuMs));
      runs.bff2.push(await measure(started.bff2, take(n), replicated.cpuMs));
      // 2 processes each as busy as the 1 process is: twice the connections.
      runs.bff2Loaded.push(await measure(started.bff2, take(n), replicated.cpuMs, 2 * CONNECTIONS));
      runs.noWait.push(await measure(started.noWait, take(n), unreplicated.cpuMs));
      runs.peer1.push(await measure(started.peer1, take(n)));
      runs.peer2.push(await measure(started.peer2, take(n)));
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all([replicated.destroy(), unreplicated.destroy()]);
  }
  const perRound = (a: RunFigures[], b: RunFigures[]) => a.map((x, i) => Number((x.cpu_us_per_push / b[i]!.cpu_us_per_push).toFixed(2)));
  const flat = median(perRound(runs.bff2, runs.bff1));
  const flatSameLoad = median(perRound(runs.bff2Loaded, runs.bff1));
  const peerFlat = median(perRound(runs.peer2, runs.peer1));
  // Each round's BFF growth over the yardstick's growth in that round.
  const relative = runs.bff2.map((x, i) => Number((x.cpu_us_per_push / runs.bff1[i]!.cpu_us_per_push / (runs.peer2[i]!.cpu_us_per_push / runs.peer1[i]!.cpu_us_per_push)).toFixed(2)));
  const oneMedian = medianRun(runs.bff1);
  const line = {
    bench: 'callback_scaling',
    pushes: n,
    rounds,
    connections: CONNECTIONS,
    cluster: '3 masters, 1 replica each (WAIT 1 before each acknowledgement)',
    // Of each kind, the run of median CPU per push; the ratios are medians of each round's own.
    workers_1: oneMedian,
    workers_2: medianRun(runs.bff2),
    // Throughput is bounded by the 2 cores the load generator shares; CPU per push is the scaling figure.
    rps_2_over_1: Number(median(runs.bff2.map((x, i) => x.rps / runs.bff1[i]!.rps)).toFixed(2)),
    cpu_per_push_2_over_1: flat,
    cpu_per_push_2_over_1_per_round: perRound(runs.bff2, runs.bff1),
    // At 64 connections each of 2 processes holds 32: half as busy as the 1 process, it forms inbox
    // batches half as large and its event loop idles between them (the WAIT round trips), and each
    // push shares those fixed costs with fewer. WORKERS=2 again at 128 connections (64 a process, as
    // busy as the 1 process): what splitting the same per-process load over processes costs.
    workers_2_same_load_per_process: { connections: 2 * CONNECTIONS, ...medianRun(runs.bff2Loaded) },
    cpu_per_push_2_over_1_same_load_per_process: flatSameLoad,
    cpu_per_push_2_over_1_same_load_per_process_per_round: perRound(runs.bff2Loaded, runs.bff1),
    // co-wechat on Koa in 1 and 2 processes, same load generator and pushes: what node:cluster and this
    // machine add to any server's CPU per request from 1 to 2 processes.
    co_wechat: {
      workers_1: medianRun(runs.peer1),
      workers_2: medianRun(runs.peer2),
      cpu_per_push_2_over_1: peerFlat,
      cpu_per_push_2_over_1_per_round: perRound(runs.peer2, runs.peer1),
    },
    // The BFF's growth beyond the yardstick's: what its own code adds when split over 2 processes.
    cpu_per_push_2_over_1_relative_to_co_wechat: median(relative),
    cpu_per_push_2_over_1_relative_to_co_wechat_per_round: relative,
    wait_cost: {
      without_replicas: medianRun(runs.noWait),
      rps_with_over_without: Number(median(runs.bff1.map((x, i) => x.rps / runs.noWait[i]!.rps)).toFixed(2)),
      p99_ms_with_minus_without: Number(median(runs.bff1.map((x, i) => x.p99_ms - runs.noWait[i]!.p99_ms)).toFixed(2)),
      cpu_us_per_push_with_minus_without: median(runs.bff1.map((x, i) => x.cpu_us_per_push - runs.noWait[i]!.cpu_us_per_push)),
    },
    // "Flat": within 15% from 1 to 2 processes.
    target: { cpu_per_push_2_over_1_max: 1.15 },
    target_met: {
      cpu_per_push_flat: flat <= 1.15,
      cpu_per_push_flat_same_load_per_process: flatSameLoad <= 1.15,
      cpu_per_push_flat_relative_to_co_wechat: median(relative) <= 1.15,
    },
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
