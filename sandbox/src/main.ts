import { DEFAULT_SANDBOX_PORT, DEMO_WECHAT_ACCOUNT } from '@giftcard/shared';
import { parseEncodingAesKey } from '@giftcard/shared/wechat/message';
import { DEMO_SANDBOX_CONFIG, type SandboxCallbackConfig, type SandboxConfig } from './config';
import { createSandboxApp } from './index';

/**
 * The WeChat sandbox alone, a service of its own: `pnpm sandbox` (`pnpm start` runs it beside the BFF).
 *
 * - SANDBOX_PORT (3100), SANDBOX_HOST (127.0.0.1): where it listens; its API is under `/sandbox`.
 * - WECHAT_APPID, WECHAT_APPSECRET, WXA_APPID, WXA_SECRET: the account it plays (default: the demo
 *   account of @giftcard/shared, which the BFF's SANDBOX=1 defaults are too).
 * - SANDBOX_CALLBACK_URL: where it pushes WeChat's events (the BFF's `/wechat/callback`), signed with
 *   WECHAT_TOKEN (default the demo token) and, with WECHAT_AES_KEY, encrypted (safe mode). Unset: the
 *   events wait in its outbox.
 */
type Env = Record<string, string | undefined>;

class SettingError extends Error {
  constructor(name: string, why: string) {
    super(`Invalid setting ${name}: ${why}`);
  }
}

function port(env: Env): number {
  const text = env.SANDBOX_PORT || String(DEFAULT_SANDBOX_PORT);
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new SettingError('SANDBOX_PORT', 'must be a port number');
  return n;
}

function callbackFromEnv(env: Env): SandboxCallbackConfig | undefined {
  const url = env.SANDBOX_CALLBACK_URL;
  if (!url) return undefined;
  if (!/^https?:\/\/.+/.test(url) || !URL.canParse(url)) throw new SettingError('SANDBOX_CALLBACK_URL', 'must be an http(s) URL');
  const token = env.WECHAT_TOKEN || DEMO_WECHAT_ACCOUNT.token;
  if (!/^[A-Za-z0-9]{3,32}$/.test(token)) throw new SettingError('WECHAT_TOKEN', 'WeChat allows 3–32 letters or digits');
  const aesKey = env.WECHAT_AES_KEY || undefined;
  if (aesKey !== undefined) {
    try {
      parseEncodingAesKey(aesKey);
    } catch {
      throw new SettingError('WECHAT_AES_KEY', 'must be 43 base64 characters (the EncodingAESKey)');
    }
  }
  return { url, token, ...(aesKey !== undefined && { aesKey }) };
}

/** The sandbox's settings from the environment; a value given there wins over the demo account's. */
export function sandboxSettings(env: Env = process.env): { port: number; host: string; config: SandboxConfig } {
  const callback = callbackFromEnv(env);
  const demo = DEMO_SANDBOX_CONFIG;
  return {
    port: port(env),
    host: env.SANDBOX_HOST || '127.0.0.1',
    config: {
      ...demo,
      serviceAccount: { ...demo.serviceAccount, appid: env.WECHAT_APPID || demo.serviceAccount.appid, secret: env.WECHAT_APPSECRET || demo.serviceAccount.secret },
      miniProgram: { appid: env.WXA_APPID || demo.miniProgram.appid, secret: env.WXA_SECRET || demo.miniProgram.secret },
      ...(callback && { callback }),
    },
  };
}

function main() {
  let settings: ReturnType<typeof sandboxSettings>;
  try {
    settings = sandboxSettings();
  } catch (e) {
    if (!(e instanceof SettingError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  const { port, host, config } = settings;
  const { app, world } = createSandboxApp(config);
  const server = app.listen(port, host, () => {
    process.stdout.write(`WeChat sandbox: http://${host.includes(':') ? `[${host}]` : host}:${port}/sandbox (its WECHAT_API_BASE)\n`);
    if (config.callback) process.stdout.write(`Pushing events to ${config.callback.url} (${config.callback.aesKey ? 'safe mode' : 'plain'})\n`);
  });
  server.once('error', (e) => {
    process.stderr.write(`WeChat sandbox: cannot listen on ${host}:${port}: ${e.message}\n`);
    process.exit(1);
  });
  const stop = () => {
    world.pusher?.stop();
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) main();
