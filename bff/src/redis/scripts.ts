import { hash } from 'node:crypto';

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
