import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { processCpuMs } from './cpu';

const run = promisify(execFile);

/** A port free now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const cli = async (port: number, ...args: string[]) => (await run('redis-cli', ['-p', String(port), ...args])).stdout;

/**
 * A Redis Cluster of the benchmark's own: 3 masters, with `replicas` (0 or 1) each, `redis-server`s
 * on free local ports joined by `redis-cli --cluster create`, ready once every node says
 * `cluster_state:ok` and every master has its replicas in sync. (test/support/redis-cluster.ts is the
 * tests' fuller one; the benchmarks are built into bff/dist and cannot import it.)
 */
export async function startRedisCluster(replicas: 0 | 1) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gc-bench-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < 3 * (1 + replicas); i++) ports.push(await freePort());
  const children: ChildProcess[] = [];
  const destroy = async () => {
    await Promise.all(
      children.map(
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
    for (const port of ports) {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--dir', dir, '--save', '', '--appendonly', 'no'];
      children.push(spawn('redis-server', args, { stdio: 'ignore' }));
    }
    await until(async () => (await Promise.all(ports.map((p) => cli(p, 'PING').catch(() => '')))).every((r) => r.trim() === 'PONG'));
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: 30_000 });
    await until(async () => {
      for (const p of ports) {
        if (!/cluster_state:ok/.test(await cli(p, 'CLUSTER', 'INFO'))) return false;
        const replication = await cli(p, 'INFO', 'replication');
        if (/role:slave/.test(replication) && !/master_link_status:up/.test(replication)) return false;
        if (/role:master/.test(replication) && !new RegExp(`connected_slaves:${replicas}`).test(replication)) return false;
      }
      return true;
    });
  } catch (e) {
    await destroy();
    throw e;
  }
  return {
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    /** CPU milliseconds of every redis-server of the cluster together. */
    cpuMs: () => children.reduce((sum, c) => sum + (processCpuMs(c.pid!) ?? 0), 0),
    destroy,
  };
}

async function until(ok: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('the benchmark cluster did not come up');
    await new Promise((r) => setTimeout(r, 100));
  }
}
