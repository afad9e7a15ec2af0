import { readFileSync } from 'node:fs';
import type { RedisClient } from '../../redis/connect';

/**
 * CPU time spent by the processes of a benchmark, so a figure says where a push's cost went and not
 * only how long it took: on a 2-core machine the server, Redis and the load generator share the cores,
 * and a wall-clock profile cannot tell waiting for a core from working.
 */

/** User + system CPU milliseconds of a process, from /proc (Linux); undefined where there is none. */
export function processCpuMs(pid: number): number | undefined {
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of those.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux build Node supports. */
const CLOCK_TICKS = 100;

/** The Redis server's own CPU milliseconds (`INFO cpu`). */
export async function redisCpuMs(redis: RedisClient): Promise<number> {
  const info = await redis.info('cpu');
  const value = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (value('used_cpu_user') + value('used_cpu_sys')) * 1000;
}

/** This process's CPU milliseconds. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** CPU milliseconds each side spent: the server process (undefined without /proc), Redis, this process. */
export interface CpuSpent {
  server: number | undefined;
  redis: number;
  load: number;
}

/** Runs `work` (driving the server `serverPid`) and says what it cost in CPU on every side. */
export async function cpuDuring<T>(serverPid: number, redis: RedisClient, work: () => Promise<T>): Promise<{ result: T; cpuMs: CpuSpent }> {
  const before = { server: processCpuMs(serverPid), redis: await redisCpuMs(redis), load: ownCpuMs() };
  const result = await work();
  const after = { server: processCpuMs(serverPid), redis: await redisCpuMs(redis), load: ownCpuMs() };
  const server = after.server !== undefined && before.server !== undefined ? after.server - before.server : undefined;
  return { result, cpuMs: { server, redis: after.redis - before.redis, load: after.load - before.load } };
}
