import { WechatError } from '../../src/wechat';
import { createWechat } from '../../src/wechat';
import type { RedisClient } from '../../src/redis/connect';
import type { RedisKeys } from '../../src/redis/keys';
import type { TestSandbox } from './sandbox';

/** A real client (request core + Redis token) pointed at the sandbox as the merchant's Service Account. */
export function sandboxClient(sandbox: TestSandbox, redis: RedisClient, keys: RedisKeys, overrides: { busyBackoffMs?: number; timeoutMs?: number } = {}) {
  const { appid, secret } = sandbox.world.config.serviceAccount;
  return createWechat({ baseUrl: sandbox.apiBase, appid, secret, redis, keys, busyBackoffMs: 5, ...overrides });
}

/** The typed WeChat error a call failed with (fails the test if it did not fail that way). */
export async function wechatFailure(call: Promise<unknown>): Promise<WechatError> {
  const e = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WechatError);
  return e as WechatError;
}
