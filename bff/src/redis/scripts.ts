import { hash } from 'node:crypto';
import type { RedisClient } from './connect';

/**
 * Names of the Lua scripts the BFF runs, by SHA-1 (what EVALSHA sends and EVAL's text hashes to), for
 * the metrics' `script` label. A module names its scripts once, beside their text.
 */
const names = new Map<string, string>();

export function nameScript(name: string, source: string): string {
  const sha = hash('sha1', source, 'hex');
  names.set(sha, name);
  return sha;
}

/** The script's name, or `sha1:` and the first 12 hex digits of an unnamed one. */
export function scriptNameOf(sha: string): string {
  return names.get(sha) ?? `sha1:${sha.slice(0, 12)}`;
}

/** A Lua script, named once beside its text (`defineScript`), run by `runScript`. */
export interface LuaScript {
  name: string;
  source: string;
  sha: string;
}

export function defineScript(name: string, source: string): LuaScript {
  return { name, source, sha: nameScript(name, source) };
}

/** Told each script call's latency (seconds) by name: `redis_script_duration_seconds` (ops/metrics.ts). */
export type ScriptObserver = (name: string, seconds: number) => void;

let observer: ScriptObserver | undefined;

/**
 * Where script latencies go, for the whole process (main.ts installs it through observeRedisScripts);
 * undefined: nowhere. Only script calls are timed: every other Redis command pays nothing.
 */
export function setScriptObserver(next: ScriptObserver | undefined): void {
  observer = next;
}

/** The client (or one node's connection) a script runs on. */
type ScriptRunner = Pick<RedisClient, 'evalsha' | 'eval'>;

/**
 * EVALSHA (the text travels only when Redis does not know the script yet: NOSCRIPT, then EVAL), timed
 * for the script-latency histogram when an observer is installed.
 */
export async function runScript(redis: ScriptRunner, script: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  const seen = observer;
  const started = seen && performance.now();
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args).catch((e: Error) => {
      if (!e.message.startsWith('NOSCRIPT')) throw e;
      return redis.eval(script.source, keys.length, ...keys, ...args);
    });
  } finally {
    if (seen) seen(script.name, (performance.now() - started!) / 1000);
  }
}

/** Tells the observer of a script call timed elsewhere (e.g. sent in a pipeline of its own). */
export function observeScript(name: string, seconds: number): void {
  observer?.(name, seconds);
}
