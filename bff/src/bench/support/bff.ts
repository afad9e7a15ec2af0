import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { connectRedis, redisReady, type RedisClient } from '../../redis/connect';
import { deleteByPrefix } from '../../redis/delete-by-prefix';
import { redisKeys, type RedisKeys } from '../../redis/keys';
import { DEMO_SANDBOX_CONFIG, seedDemo, type DemoSeed } from '@giftcard/sandbox';
import { createWechat, type Wechat } from '../../wechat';
import { cpuDuring } from './cpu';
import { driveLoad, type LoadOptions } from './load';
import { startServerProcess, type ServerProcess } from './server';
import { deleteKeysWhenStopped } from './stop';

/**
 * The real BFF in sandbox mode (the sandbox on a port of its own beside it, proxied at /sandbox), in a
 * server process of its own (bff-server.ts), under a private Redis prefix (`gc:bench:<random>:`), and
 * what a benchmark does around it: the merchant's
 * and WeChat users' actions over HTTP, the sandbox's call counts, and removing every key at the end
 * (or when stopped: stop.ts).
 */
export interface BenchBff {
  server: ServerProcess;
  origin: string;
  redis: RedisClient;
  keys: RedisKeys;
  /** The demo shop `pnpm start` seeds: a ¥50 and a ¥200 card (1,000 of each) on one shelf. */
  shop: DemoSeed;
  /** A WeChat client of this process on the same sandbox and Redis-shared token (the BFF's own code, e.g. its ProjectionWriter). */
  wechat: Wechat;
  /** A JSON call to the BFF; anything but 2xx throws. `token`: the Bearer (the admin token unless given). */
  call<T = unknown>(method: string, path: string, opts?: { token?: string; body?: unknown }): Promise<T>;
  /** A sandbox action as WeChat or a WeChat user (`/sandbox/_control/<action>`). */
  control<T = unknown>(action: string, body?: unknown): Promise<T>;
  /** Every WeChat call the sandbox has answered so far, per endpoint (`area.method`). */
  wechatCallsByEndpoint(): Promise<Record<string, number>>;
  /** Stops the server and deletes every key of this run. */
  close(): Promise<void>;
}

export async function startBenchBff(env: Record<string, string> = {}): Promise<BenchBff> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  const redis = connectRedis(redisUrl);
  await redisReady(redis);
  const prefix = `gc:bench:${randomBytes(4).toString('hex')}:`;
  const keys = redisKeys(prefix);
  const adminToken = randomBytes(18).toString('base64url');
  let server: ServerProcess | undefined;
  deleteKeysWhenStopped(redis, prefix, async () => server?.stop());
  const close = async () => {
    await server?.stop();
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  };
  try {
    // Only these settings: a WECHAT_API_BASE or credentials in the caller's shell must not reach it.
    const serverEnv: NodeJS.ProcessEnv = {
      ...pick(process.env, ['PATH', 'NODE_PATH', 'NODE_OPTIONS', 'PROJECTION_MAX_AGE_S']),
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      ADMIN_TOKEN: adminToken,
      ...env,
    };
    server = await startServerProcess(path.join(__dirname, 'bff-server.js'), [], serverEnv);
    const origin = `http://127.0.0.1:${server.port}`;
    const call = async <T>(method: string, p: string, opts: { token?: string; body?: unknown } = {}): Promise<T> => {
      const res = await fetch(`${origin}${p}`, {
        method,
        headers: { authorization: `Bearer ${opts.token ?? adminToken}`, ...(opts.body !== undefined && { 'content-type': 'application/json' }) },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text.slice(0, 300)}`);
      return (text ? JSON.parse(text) : null) as T;
    };
    const { appid, secret } = DEMO_SANDBOX_CONFIG.serviceAccount;
    const shop = await seedDemo({ origin, adminToken, wxaAppid: DEMO_SANDBOX_CONFIG.miniProgram.appid });
    return {
      server,
      origin,
      redis,
      keys,
      shop,
      wechat: createWechat({ baseUrl: `${origin}/sandbox`, appid, secret, redis, keys }),
      call,
      control: (action, body = {}) => call('POST', `/sandbox/_control/${action}`, { body }),
      wechatCallsByEndpoint: () => call<Record<string, number>>('GET', '/sandbox/_control/calls'),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

const pick = (env: NodeJS.ProcessEnv, names: string[]) => Object.fromEntries(names.filter((n) => env[n] !== undefined).map((n) => [n, env[n]]));

/** `fn` over every item, at most `limit` at once (setting up hundreds of purchases without a storm). */
export async function eachLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A count from the environment (a positive integer), or the default. */
export function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, not ${raw}`);
  return n;
}

/** `n` per `per`, rounded to 3 decimals (calls per request, per debit). */
export const ratio = (n: number, per: number): number => (per === 0 ? 0 : Number((n / per).toFixed(3)));

const totalOf = (calls: Record<string, number>) => Object.values(calls).reduce((sum, n) => sum + n, 0);

/**
 * `requests` driven at the BFF (`port`: its first app or its second) over `connections`, and what
 * they cost per request: WeChat calls (the sandbox's counts before and after, so only this window's)
 * in all and per endpoint, and CPU microseconds of the server process, Redis and this process.
 */
export async function measuredLoad(bff: BenchBff, port: number, requests: Buffer[], connections: number, opts: LoadOptions = {}) {
  const before = await bff.wechatCallsByEndpoint();
  const { result, cpuMs } = await cpuDuring(bff.server.pid, bff.redis, () => driveLoad(port, requests, connections, opts));
  const after = await bff.wechatCallsByEndpoint();
  const n = requests.length;
  const byEndpoint: Record<string, number> = {};
  for (const [endpoint, count] of Object.entries(after)) {
    const delta = count - (before[endpoint] ?? 0);
    if (delta > 0) byEndpoint[endpoint] = ratio(delta, n);
  }
  const us = (ms: number | undefined) => (ms === undefined ? undefined : Math.round((ms * 1000) / n));
  return {
    result,
    wechatCalls: ratio(totalOf(after) - totalOf(before), n),
    wechatCallsByEndpoint: byEndpoint,
    cpuUs: { server: us(cpuMs.server), redis: us(cpuMs.redis), load: us(cpuMs.load) },
  };
}
