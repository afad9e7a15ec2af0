import type { RedisClient } from '../../redis/connect';
import { deleteByPrefix } from '../../redis/delete-by-prefix';

/**
 * A benchmark stopped early (Ctrl-C, `pnpm bench`'s time limit) still removes the keys it wrote under
 * `prefix`, then exits non-zero. `stopWriters` first stops what may still be writing there (a server
 * process finishing the requests in flight), so no key lands after the sweep.
 */
export function deleteKeysWhenStopped(redis: RedisClient, prefix: string, stopWriters?: () => Promise<unknown>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void Promise.resolve(stopWriters?.())
        .catch(() => undefined)
        .then(() => deleteByPrefix(redis, prefix))
        .finally(() => process.exit(1));
    });
  }
}
