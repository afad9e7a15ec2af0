import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { processCpuMs } from './cpu';
import { freePort } from './free-port';

const run = promisify(execFile);

export interface ClusterNode {
  port: number;
  /** The cluster bus port (`cluster-port`), chosen free too: port + 10000 may be taken or out of range. */
  busPort: number;
}

/**
 * A real Redis Cluster of the caller's own (a test's or a benchmark's): 3 masters with `replicas` (1 by
 * default, or 0) each, `redis-server`s on free local ports, joined by `redis-cli --cluster create …
 * --cluster-yes`, up once every node says `cluster_state:ok` and every replica is in sync with its
 * master. `destroy()` kills them all and removes their folder. `url` is what REDIS_URL takes
 * (`redis+cluster://h1:p1,…`). Here, not in test/support, because the benchmarks run from bff/dist.
 */
export async function redisCluster(opts: { nodeTimeoutMs?: number; replicas?: 0 | 1 } = {}) {
  const replicas = opts.replicas ?? 1;
  const dir = mkdtempSync(path.join(tmpdir(), 'gc-cluster-'));
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < 3 * (1 + replicas); i++) nodes.push({ port: await freePort(), busPort: await freePort() });
  const children = new Map<number, ChildProcess>();

  const startNode = (node: ClusterNode) => {
    const child = spawn(
      'redis-server',
      [
        '--port', String(node.port),
        '--cluster-port', String(node.busPort),
        '--bind', '127.0.0.1',
        '--cluster-enabled', 'yes',
        '--cluster-config-file', `nodes-${node.port}.conf`,
        '--cluster-node-timeout', String(opts.nodeTimeoutMs ?? 1000),
        '--dir', dir,
        '--save', '',
        '--appendonly', 'no',
      ],
      { stdio: 'ignore' },
    );
    children.set(node.port, child);
    return child;
  };

  const destroy = async () => {
    await Promise.all(
      [...children.values()].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    for (const node of nodes) startNode(node);
    await Promise.all(nodes.map((n) => until(() => info(n.port, 'PING').then((r) => r === 'PONG'), `node ${n.port} up`)));
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: 30_000 });
    await until(async () => {
      for (const n of nodes) {
        if (!/cluster_state:ok/.test(await info(n.port, 'CLUSTER', 'INFO'))) return false;
        const replication = await info(n.port, 'INFO', 'replication');
        if (/role:slave/.test(replication) && !/master_link_status:up/.test(replication)) return false;
        if (/role:master/.test(replication) && !new RegExp(`connected_slaves:${replicas}`).test(replication)) return false;
      }
      return true;
    }, 'cluster ok with its replicas in sync');
  } catch (e) {
    await destroy();
    throw e;
  }

  return {
    nodes,
    url: `redis+cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`,
    /** The ports of the masters and of the replicas, as the cluster sees them now. */
    async roles(): Promise<{ masters: number[]; replicas: number[] }> {
      const masters: number[] = [];
      const replicas: number[] = [];
      for (const n of nodes) {
        if (!children.get(n.port) || children.get(n.port)!.exitCode !== null || children.get(n.port)!.signalCode !== null) continue;
        (/role:master/.test(await info(n.port, 'INFO', 'replication')) ? masters : replicas).push(n.port);
      }
      return { masters, replicas };
    },
    /** The port of the master serving `key`'s slot now. */
    async masterOf(key: string): Promise<number> {
      for (const n of nodes) {
        const r = probe(n.port);
        try {
          await r.connect();
          const slot = Number(await r.cluster('KEYSLOT', key));
          const ranges = (await r.cluster('SLOTS')) as unknown as [number, number, [string, number]][];
          const range = ranges.find(([from, to]) => slot >= from && slot <= to);
          if (range) return Number(range[2][1]);
        } catch {
          // a dead node: ask the next
        } finally {
          r.disconnect();
        }
      }
      throw new Error(`no master serves ${key}`);
    },
    /** The port of the replica of the master at `port`. */
    async replicaOf(port: number): Promise<number> {
      for (const n of nodes) {
        if (n.port === port) continue;
        if (new RegExp(`master_port:${port}\\b`).test(await info(n.port, 'INFO', 'replication'))) return n.port;
      }
      throw new Error(`no replica of ${port}`);
    },
    /** CPU milliseconds of every redis-server of the cluster together (what a benchmark charges to Redis). */
    cpuMs: () => [...children.values()].reduce((sum, c) => sum + (processCpuMs(c.pid!) ?? 0), 0),
    /** Stops a node's process (SIGSTOP) until resume(): alive to the kernel, deaf to everyone. */
    pause: (port: number) => void children.get(port)?.kill('SIGSTOP'),
    resume: (port: number) => void children.get(port)?.kill('SIGCONT'),
    /** Starts a killed node again, from its nodes.conf: it rejoins the cluster (as a replica once failed over). */
    async restart(port: number): Promise<void> {
      const node = nodes.find((n) => n.port === port)!;
      startNode(node);
      await until(() => info(port, 'PING').then((r) => r === 'PONG'), `node ${port} up again`);
    },
    /** Kills one node outright (SIGKILL), as a crash would. */
    async kill(port: number): Promise<void> {
      const c = children.get(port);
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGKILL');
      });
    },
    destroy,
  };
}

/**
 * A short-lived connection to one node that may be down (starting, killed, paused): its failure is
 * the caller's to handle through the promise, so ioredis's error event is listened to, not printed.
 */
function probe(port: number): Redis {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  return r;
}

/** One command to one node, on a short-lived connection. */
async function info(port: number, ...command: string[]): Promise<string> {
  const r = probe(port);
  try {
    await r.connect();
    return String(await r.call(command[0]!, ...command.slice(1)));
  } catch {
    return '';
  } finally {
    r.disconnect();
  }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis cluster: no ${what} within ${timeoutMs} ms`);
}
