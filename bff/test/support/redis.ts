import { randomBytes } from 'node:crypto';
import { connectRedis, redisReady } from '../../src/redis/connect';
import { deleteByPrefix } from '../../src/redis/delete-by-prefix';
import { redisKeys } from '../../src/redis/keys';

/**
 * A connection to the real Redis (REDIS_URL, default 127.0.0.1:6379) with a key prefix of its own,
 * so tests run beside anything else and `cleanup()` deletes only what this test wrote. `prefix`: a
 * given one instead (two BFF processes of one test share it; on a cluster it carries a hash tag).
 */
export async function testRedis(url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0', given?: string) {
  const redis = connectRedis(url);
  await redisReady(redis);
  const prefix = given ?? `gc:test:${randomBytes(6).toString('hex')}:`;
  const cleanup = async () => {
    if (redis.status === 'ready') await deleteByPrefix(redis, prefix);
    redis.disconnect();
  };
  return { redis, prefix, keys: redisKeys(prefix), cleanup };
}
export type TestDb = Awaited<ReturnType<typeof testRedis>>;
