import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createSandboxApp, type SandboxConfig } from '@giftcard/sandbox';

/** The WeChat sandbox on a real HTTP port of its own; `apiBase` is what WECHAT_API_BASE would be. */
export async function startSandbox(config: Partial<SandboxConfig> = {}) {
  const { app, world } = createSandboxApp(config);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const apiBase = `${origin}/sandbox`;
  return {
    world,
    origin,
    apiBase,
    /** POST a sandbox control action (acting as WeChat or a WeChat user). */
    async control<T = unknown>(path: string, body: unknown = {}): Promise<T> {
      const res = await fetch(`${apiBase}/_control/${path}`, { method: 'POST', body: JSON.stringify(body) });
      const json = (await res.json()) as T;
      if (!res.ok) throw new Error(`control ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
    /** Calls a WeChat path the raw way (no client-side checks), e.g. to see the sandbox's own errcode. */
    async raw(path: string, body: unknown, accessToken?: string): Promise<Record<string, unknown>> {
      const q = accessToken ? `${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(accessToken)}` : '';
      const res = await fetch(`${apiBase}${path}${q}`, { method: 'POST', body: JSON.stringify(body) });
      return (await res.json()) as Record<string, unknown>;
    },
    close: () => {
      world.pusher?.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}
export type TestSandbox = Awaited<ReturnType<typeof startSandbox>>;
