import cluster from 'node:cluster';
import type { Logger } from './log';

/**
 * WORKERS=N: this (primary) process serves nothing itself; it runs N BFF processes that share its
 * port (node:cluster hands each new connection to one of them), each with its own Redis connections,
 * consumers and WeChat client, and `env` added to its environment (the secrets the primary made up). A worker that dies is replaced (after a second, if it died within one:
 * no fork loop while, say, Redis is down). SIGTERM or SIGINT is passed on to every worker, which drains
 * (stops accepting, finishes what it serves, leaves its pending stream entries to the others); the
 * primary exits once all have.
 */
export function runWorkers(count: number, logger: Logger, env: Record<string, string> = {}): void {
  let stopping = false;
  const alive = () => Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());
  const fork = () => {
    const startedAt = Date.now();
    const worker = cluster.fork(env);
    worker.once('exit', (code, signal) => {
      if (stopping) {
        if (alive().length === 0) process.exit(0);
        return;
      }
      logger.warn('worker exited; starting another', { worker: worker.process.pid, code, signal });
      setTimeout(fork, Date.now() - startedAt < 1000 ? 1000 : 0);
    });
  };
  for (let i = 0; i < count; i++) fork();
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const workers = alive();
    if (workers.length === 0) process.exit(0);
    for (const w of workers) w!.process.kill('SIGTERM');
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
