import type { RedisClient } from './connect';

/**
 * Deletes every key under `prefix`, and nothing else (SCAN, then UNLINK per page): how a benchmark or a
 * test removes what it wrote beside other data. Not for a cluster, whose keys live on many nodes.
 */
export async function deleteByPrefix(redis: RedisClient, prefix: string): Promise<void> {
  if (!('scanStream' in redis)) throw new Error('deleteByPrefix: not supported on a cluster');
  const stream = redis.scanStream({ match: `${prefix}*`, count: 500 });
  for await (const keys of stream as AsyncIterable<string[]>) if (keys.length) await redis.unlink(...keys);
}
