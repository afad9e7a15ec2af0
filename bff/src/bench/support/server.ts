import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * A benchmark's server in a process of its own, so the load generator does not share its event loop
 * and its CPU can be read apart (cpu.ts). The script prints one JSON line with its `port` once
 * listening; everything else it says on stdout is ignored.
 */
export interface ServerProcess {
  port: number;
  pid: number;
  /** The script's first line (its `port` and whatever else it announced). */
  announced: Record<string, unknown>;
  /** SIGTERM; resolves once the process has exited (it writes nothing after). */
  stop(): Promise<void>;
}

/** Servers still running, stopped however this process ends (a signal from `pnpm bench`'s time limit too). */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGTERM')));

export async function startServerProcess(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  // BENCH_SERVER_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, to look inside the server.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server ${script} ${args.join(' ')} exited with ${code}`)));
  });
  // Whatever the server prints later must not fill the pipe and stall it.
  child.stdout!.resume();
  const announced = JSON.parse(line) as Record<string, unknown>;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { port: Number(announced.port), pid: child.pid!, announced, stop };
}
