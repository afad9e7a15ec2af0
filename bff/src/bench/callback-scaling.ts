import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sealPush, writeXml } from '@giftcard/shared/wechat/message';
import { processCpuMs } from './support/cpu';
import { driveLoad, serialiseRequests, type LoadRequest, type LoadResult } from './support/load';
import { freePort } from './support/free-port';
import { redisCluster } from './support/redis-cluster';

/**
 * Callback ingestion scaled out (issue 15): the real BFF (`node bff/dist/main.js`) with WORKERS=1 and
 * WORKERS=2 (node:cluster, one port) on a 3-master Redis Cluster of the benchmark's own, REDIS_PREFIX
 * hash-tagged. On a 2-core machine the load generator competes with the servers, so besides throughput
 * each run reports the CPU its BFF processes spent per push (/proc utime+stime of each worker, before
 * and after, over the pushes): the figure that must stay flat from 1 to 2 processes.
 *
 * What WAIT costs: with a replica per master the inbox waits for one (WAIT 1) before a push is
 * acknowledged; the same WORKERS=1 run on a cluster without replicas waits for nothing.
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

async function startBff(redisUrl: string, workers: number): Promise<{ port: number; primary: ChildProcess; workers: number[] }> {
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS (as in the callback benchmark), e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`:
  // node:cluster's workers inherit them, so each process writes its own profile.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const primary = spawn(process.execPath, [...nodeArgs, path.join(root, 'bff', 'dist', 'main.js')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH,
      WORKERS: String(workers),
      SANDBOX: '0',
      PORT: String(port),
      HOST: '127.0.0.1',
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
      // The pushes are signed once, before the runs: a window of an hour outlasts them.
      PUSH_MAX_AGE_S: '3600',
      LOG_LEVEL: 'error',
    },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const pids = workers > 1 ? childrenOf(primary.pid!) : [primary.pid!];
    const up = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (up && pids.length === workers) return { port, primary, workers: pids };
    if (primary.exitCode !== null || Date.now() > deadline) throw new Error(`the BFF (WORKERS=${workers}) did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
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
  redis_cpu_us_per_push: number;
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

async function measure(cluster: Awaited<ReturnType<typeof redisCluster>>, workers: number, warm: Buffer[], work: Buffer[]): Promise<RunFigures> {
  const bff = await startBff(cluster.url, workers);
  try {
    await driveLoad(bff.port, warm, CONNECTIONS);
    const before = bff.workers.map((pid) => processCpuMs(pid) ?? 0);
    const countersBefore = bff.workers.map(countersOf);
    const redisBefore = cluster.cpuMs();
    const result: LoadResult = await driveLoad(bff.port, work, CONNECTIONS);
    const spent = bff.workers.map((pid, i) => (processCpuMs(pid) ?? 0) - before[i]!);
    const counters = perPushOf(countersBefore, bff.workers.map(countersOf), work.length);
    const perPush = (ms: number) => Math.round((ms * 1000) / work.length);
    return {
      rps: result.rps,
      p50_ms: result.p50,
      p99_ms: result.p99,
      non_200: result.failures,
      cpu_us_per_push: perPush(spent.reduce((a, b) => a + b, 0)),
      cpu_us_per_push_by_process: spent.map(perPush),
      redis_cpu_us_per_push: perPush(cluster.cpuMs() - redisBefore),
      per_push: counters,
    };
  } finally {
    await stop(bff.primary);
  }
}

async function main() {
  // 40,000: each measured run lasts 3-6 s; at 20,000 (about 2 s) CPU per push moved by a fifth from
  // run to run on this shared machine.
  const n = Number(process.env.BENCH_SCALING_PUSHES ?? 40000);
  const runId = randomBytes(3).toString('hex');
  // Every run its own pushes (no run de-duplicates another's); a warm-up of half a run first (JIT).
  const warmup = Math.ceil(n / 2);
  const all = serialiseRequests('127.0.0.1', pushes(4 * (warmup + n), runId));
  let next = 0;
  const take = (count: number) => all.slice(next, (next += count));
  const replicated = await redisCluster({ replicas: 1 });
  let withWait: { one: RunFigures; two: RunFigures };
  try {
    withWait = { one: await measure(replicated, 1, take(warmup), take(n)), two: await measure(replicated, 2, take(warmup), take(n)) };
  } finally {
    await replicated.destroy();
  }
  const bare = await redisCluster({ replicas: 0 });
  let noWait: RunFigures;
  try {
    noWait = await measure(bare, 1, take(warmup), take(n));
  } finally {
    await bare.destroy();
  }
  const flat = withWait.two.cpu_us_per_push / withWait.one.cpu_us_per_push;
  const line = {
    bench: 'callback_scaling',
    pushes: n,
    connections: CONNECTIONS,
    cluster: '3 masters, 1 replica each (WAIT 1 before each acknowledgement)',
    workers_1: withWait.one,
    workers_2: withWait.two,
    // Throughput is bounded by the 2 cores the load generator shares; CPU per push is the scaling figure.
    rps_2_over_1: Number((withWait.two.rps / withWait.one.rps).toFixed(2)),
    cpu_per_push_2_over_1: Number(flat.toFixed(2)),
    wait_cost: {
      without_replicas: noWait,
      rps_with_over_without: Number((withWait.one.rps / noWait.rps).toFixed(2)),
      p99_ms_with_minus_without: Number((withWait.one.p99_ms - noWait.p99_ms).toFixed(2)),
      cpu_us_per_push_with_minus_without: withWait.one.cpu_us_per_push - noWait.cpu_us_per_push,
    },
    // "Flat": within 15% from 1 to 2 processes.
    target: { cpu_per_push_2_over_1_max: 1.15 },
    target_met: { cpu_per_push_flat: flat <= 1.15 },
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
