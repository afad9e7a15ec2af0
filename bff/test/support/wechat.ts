import { WechatError, type Wechat } from '../../src/wechat';
import { createWechat } from '../../src/wechat';
import type { RedisClient } from '../../src/redis/connect';
import type { RedisKeys } from '../../src/redis/keys';
import { testRedis, type TestDb } from './redis';
import { startSandbox, type TestSandbox } from './sandbox';

/** A real client (request core + Redis token) pointed at the sandbox as the merchant's Service Account. */
export function sandboxClient(sandbox: TestSandbox, redis: RedisClient, keys: RedisKeys, overrides: { busyBackoffMs?: number; timeoutMs?: number } = {}) {
  const { appid, secret } = sandbox.world.config.serviceAccount;
  return createWechat({ baseUrl: sandbox.apiBase, appid, secret, redis, keys, busyBackoffMs: 5, ...overrides });
}

/**
 * A fresh sandbox, Redis (private prefix) and client per test; read them inside tests as t.sandbox, t.db, t.wechat.
 * Registers a beforeEach (start sandbox, connect Redis, make the client) and an afterEach (close sandbox, clean Redis)
 * in the calling describe block: hooks declared after this call run after the start and, for afterEach, after the close.
 */
export function useSandboxWechat(): { readonly sandbox: TestSandbox; readonly db: TestDb; readonly wechat: Wechat } {
  let sandbox: TestSandbox | undefined;
  let db: TestDb | undefined;
  let wechat: Wechat | undefined;
  beforeEach(async () => {
    sandbox = await startSandbox();
    db = await testRedis();
    wechat = sandboxClient(sandbox, db.redis, db.keys);
  });
  afterEach(async () => {
    await sandbox!.close();
    await db!.cleanup();
  });
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`useSandboxWechat: ${name} is only there inside tests and hooks`);
    return value;
  };
  return {
    get sandbox() {
      return ready(sandbox, 'sandbox');
    },
    get db() {
      return ready(db, 'db');
    },
    get wechat() {
      return ready(wechat, 'wechat');
    },
  };
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
