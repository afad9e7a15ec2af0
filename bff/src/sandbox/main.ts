import { parseEncodingAesKey } from '../wechat/message';
import type { SandboxCallbackConfig } from './config';
import { createSandboxApp } from './index';

/**
 * The WeChat sandbox alone: `pnpm --filter @giftcard/bff sandbox` (SANDBOX_PORT, default 3100).
 * With SANDBOX_CALLBACK_URL it pushes events there, signed with WECHAT_TOKEN (default the BFF's
 * sandbox token) and, with WECHAT_AES_KEY, encrypted (safe mode).
 */
const port = Number(process.env.SANDBOX_PORT ?? 3100);
const host = process.env.HOST ?? '127.0.0.1';

function callbackFromEnv(env: NodeJS.ProcessEnv): SandboxCallbackConfig | undefined {
  const url = env.SANDBOX_CALLBACK_URL;
  if (!url) return undefined;
  const fail = (name: string, why: string): never => {
    process.stderr.write(`Invalid setting ${name}: ${why}\n`);
    process.exit(2);
  };
  if (!/^https?:\/\/.+/.test(url) || !URL.canParse(url)) fail('SANDBOX_CALLBACK_URL', 'must be an http(s) URL');
  const token = env.WECHAT_TOKEN || 'sandboxtoken';
  if (!/^[A-Za-z0-9]{3,32}$/.test(token)) fail('WECHAT_TOKEN', 'WeChat allows 3–32 letters or digits');
  const aesKey = env.WECHAT_AES_KEY || undefined;
  if (aesKey !== undefined) {
    try {
      parseEncodingAesKey(aesKey);
    } catch {
      fail('WECHAT_AES_KEY', 'must be 43 base64 characters (the EncodingAESKey)');
    }
  }
  return { url, token, ...(aesKey !== undefined && { aesKey }) };
}

const callback = callbackFromEnv(process.env);
const { app } = createSandboxApp(callback ? { callback } : {});
app.listen(port, host, () => {
  process.stdout.write(`WeChat sandbox: http://${host}:${port}/sandbox (WECHAT_API_BASE)\n`);
  if (callback) process.stdout.write(`Pushing events to ${callback.url} (${callback.aesKey ? 'safe mode' : 'plain'})\n`);
});
