import type { RedisClient } from '../../redis/connect';
import { deleteByPrefix } from '../../redis/delete-by-prefix';

/**
 * A benchmark stopped early (Ctrl-C, `pnpm bench`'s time limit) still removes the keys it wrote under
 * `prefix`, then exits non-zero.
 */
export function deleteKeysWhenStopped(redis: RedisClient, prefix: string): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void deleteByPrefix(redis, prefix).finally(() => process.exit(1)));
  }
}
