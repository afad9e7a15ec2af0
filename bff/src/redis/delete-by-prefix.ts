import type { RedisClient } from './connect';

/**
 * Deletes every key under `prefix`, and nothing else (SCAN, then UNLINK per page): how a benchmark or a
 * test removes what it wrote beside other data. On a cluster, SCAN runs on every master, and each key is
 * unlinked on its own (the keys of one page may lie in different slots).
 */
export async function deleteByPrefix(redis: RedisClient, prefix: string): Promise<void> {
  const nodes = 'scanStream' in redis ? [redis] : redis.nodes('master');
  for (const node of nodes) {
    const stream = node.scanStream({ match: `${prefix}*`, count: 500 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length === 0) continue;
      if (node === redis) await redis.unlink(...keys);
      else await Promise.all(keys.map((k) => node.unlink(k)));
    }
  }
}
