import { createWechat, type Wechat } from '../../src/wechat';
import { testRedis } from '../support/redis';
import { startSandbox, type TestSandbox } from '../support/sandbox';
import { sandboxClient } from '../support/wechat';

/**
 * The access token is shared by every process through Redis: one fetch however many callers,
 * one refresh and one retry when WeChat refuses it, never a loop.
 */
describe('access token shared through Redis', () => {
  let sandbox: TestSandbox;
  let db: Awaited<ReturnType<typeof testRedis>>;
  const product = { keystandard: 'ean13', keystr: '6901481811083' };
  const tokenFetches = () => sandbox.world.calls.get('auth.getStableToken') + sandbox.world.calls.get('auth.getToken');

  beforeEach(async () => {
    sandbox = await startSandbox();
    db = await testRedis();
    await sandbox.control('products', { ...product, status: 'on' });
  });
  afterEach(async () => {
    await sandbox.close();
    await db.cleanup();
  });

  /** Four client instances sharing Redis, standing in for four BFF processes. */
  const fourProcesses = (): Wechat[] => Array.from({ length: 4 }, () => sandboxClient(sandbox, db.redis, db.keys));

  it('200 concurrent calls over 4 processes with no token yet: exactly 1 token fetch', async () => {
    const processes = fourProcesses();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => processes[i % 4]!.client.scan.getProduct(product)),
    );
    expect(results).toHaveLength(200);
    expect(tokenFetches()).toBe(1);
    expect(sandbox.world.calls.get('scan.getProduct')).toBe(200);
  });

  it('200 concurrent calls over 4 processes with an expired cached token: exactly 1 new token', async () => {
    const processes = fourProcesses();
    await Promise.all(processes.map((p) => p.client.scan.getProduct(product)));
    expect(tokenFetches()).toBe(1);
    await sandbox.control('tokens/expire');
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => processes[i % 4]!.client.scan.getProduct(product)),
    );
    expect(results.every((r) => r.brand_info.base_info?.status === 'on')).toBe(true);
    expect(tokenFetches()).toBe(2);
  });

  it('a 40001 on the cached token: one refresh, one retry', async () => {
    const [a] = fourProcesses();
    await a!.client.scan.getProduct(product);
    const before = await a!.tokens.get();
    await sandbox.control('tokens/revoke');
    await expect(a!.client.scan.getProduct(product)).resolves.toBeDefined();
    expect(tokenFetches()).toBe(2);
    expect(sandbox.world.calls.get('scan.getProduct')).toBe(3);
    expect(await a!.tokens.get()).not.toBe(before);
  });

  it('a token WeChat keeps refusing: the error surfaces after one retry, never a loop', async () => {
    const [a] = fourProcesses();
    await a!.tokens.get();
    await sandbox.control('faults', { endpoint: 'scan.getProduct', errcode: 40001, times: 10 });
    await expect(a!.client.scan.getProduct(product)).rejects.toMatchObject({ kind: 'api', errcode: 40001, endpoint: '/scan/product/get' });
    expect(sandbox.world.calls.get('scan.getProduct')).toBe(2);
    expect(tokenFetches()).toBe(2);
  });

  it('a stale process does not expire the token another process already refreshed', async () => {
    const [a, b] = fourProcesses();
    const old = await a!.tokens.get();
    await sandbox.control('tokens/revoke');
    await b!.client.scan.getProduct(product); // b refreshes: Redis now holds a new token
    const fresh = await db.redis.get(db.keys.accessToken(sandbox.world.config.serviceAccount.appid));
    expect(fresh).not.toBe(old);
    await a!.tokens.invalidate(old); // a learns late that its old token failed
    expect(await db.redis.get(db.keys.accessToken(sandbox.world.config.serviceAccount.appid))).toBe(fresh);
    await a!.client.scan.getProduct(product);
    expect(tokenFetches()).toBe(2);
  });

  it('retries "system busy" (-1) with backoff a bounded number of times', async () => {
    const [a] = fourProcesses();
    await sandbox.control('faults', { endpoint: 'scan.getProduct', errcode: -1, times: 2 });
    await expect(a!.client.scan.getProduct(product)).resolves.toBeDefined();
    expect(sandbox.world.calls.get('scan.getProduct')).toBe(3);
    await sandbox.control('faults', { endpoint: 'scan.getProduct', errcode: -1, times: 10 });
    await expect(a!.client.scan.getProduct(product)).rejects.toMatchObject({ errcode: -1 });
    expect(sandbox.world.calls.get('scan.getProduct')).toBe(3 + 4); // first try + 3 retries
  });

  it('times out a call WeChat does not answer, without retrying it', async () => {
    const slow = sandboxClient(sandbox, db.redis, db.keys, { timeoutMs: 200 });
    await slow.tokens.get();
    await sandbox.control('faults', { endpoint: 'scan.getProduct', delayMs: 1000, times: 1 });
    await expect(slow.client.scan.getProduct(product)).rejects.toMatchObject({ kind: 'timeout', errcode: null, endpoint: '/scan/product/get' });
    expect(sandbox.world.calls.get('scan.getProduct')).toBe(1);
  });

  it('wrong app credentials surface as 40013 / 40125 on the token endpoint', async () => {
    const { appid, secret } = sandbox.world.config.serviceAccount;
    const wrongId = createWechat({ baseUrl: sandbox.apiBase, appid: 'wx_wrong', secret, redis: db.redis, keys: db.keys });
    await expect(wrongId.client.scan.getProduct(product)).rejects.toMatchObject({ errcode: 40013, endpoint: '/cgi-bin/stable_token' });
    const wrongSecret = createWechat({ baseUrl: sandbox.apiBase, appid, secret: 'nope', redis: db.redis, keys: db.keys });
    await expect(wrongSecret.client.scan.getProduct(product)).rejects.toMatchObject({ errcode: 40125 });
  });

  it('keeps the token out of Redis key names and the secret out of Redis and of error messages', async () => {
    const [a] = fourProcesses();
    const token = await a!.tokens.get();
    const keys = await db.redis.keys(`${db.prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) {
      expect(k).not.toContain(token);
      expect(k).not.toContain(sandbox.world.config.serviceAccount.secret);
      const type = await db.redis.type(k);
      if (type === 'string') expect(await db.redis.get(k)).not.toContain(sandbox.world.config.serviceAccount.secret);
    }
    await sandbox.close();
    const err = await a!.client.scan.getProduct(product).catch((e: Error) => e);
    expect(String(err)).not.toContain(token);
    sandbox = await startSandbox(); // afterEach closes it
  });
});
