import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Redis from 'ioredis';
import { chromium, type Browser } from 'playwright-core';
import { freePort } from './free-port';

const root = path.resolve(__dirname, '../..');

/** Debian's Chromium, headless, with nothing reaching outside hosts (TOOLCHAIN_NOTES). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** A Chinese WeChat user's phone: touch, zh-CN, China time (the app formats dates in the device's zone). */
export const CHINESE_PHONE = { deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' } as const;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * The stack `pnpm start` runs (scripts/start.js --no-build: the sandbox as a service of its own, the BFF
 * serving it under /sandbox + /app/ + demo data; `pnpm build` first), on free ports with a Redis prefix and an admin token of its own, up once the demo
 * data is seeded (its URLs printed). `stop()` ends it and deletes only its own keys.
 */
export async function startDemoStack(name: string) {
  const port = await freePort();
  // The sandbox, a service of its own, on a free port too: stacks run side by side.
  const sandboxPort = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const prefix = `gc:test:${name}:${randomBytes(4).toString('hex')}:`;
  const adminToken = `e2e-admin-${randomBytes(12).toString('hex')}`;
  let output = '';
  const child: ChildProcess = spawn('node', ['scripts/start.js', '--no-build'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), SANDBOX_PORT: String(sandboxPort), REDIS_PREFIX: prefix, ADMIN_TOKEN: adminToken, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));

  const stop = async () => {
    if (child.exitCode === null) {
      // start.js forwards the signal to the BFF and exits when it has.
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    child.stdout?.destroy();
    child.stderr?.destroy();
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0');
    try {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  };

  // Up, and the demo data seeded: content, not a fixed wait.
  for (let i = 0; i < 300 && !/^Demo card jump: /m.test(output); i++) {
    if (child.exitCode !== null) throw new Error(`pnpm start exited ${child.exitCode}:\n${output}`);
    if (/demo data not seeded/.test(output)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!/^Demo card jump: /m.test(output)) {
    await stop();
    throw new Error(`pnpm start printed no demo URLs:\n${output}`);
  }

  return {
    origin,
    prefix,
    adminToken,
    /** What the stack printed so far. */
    output: () => output,
    /** A sandbox control action: acting as WeChat or a WeChat user. */
    async control<T>(action: string, body: unknown): Promise<T> {
      const res = await fetch(`${origin}/sandbox/_control/${action}`, { method: 'POST', body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`control ${action}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    /** The merchant API, as the merchant calls it; a refusal throws. */
    async admin<T>(method: string, p: string, body?: unknown): Promise<T> {
      const res = await fetch(`${origin}/admin${p}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`admin ${method} ${p}: ${res.status} ${await res.text()}`);
      const text = await res.text();
      return (text ? JSON.parse(text) : null) as T;
    },
    stop,
  };
}
export type DemoStack = Awaited<ReturnType<typeof startDemoStack>>;
