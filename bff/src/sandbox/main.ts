import { createSandboxApp } from './index';

/** The WeChat sandbox alone: `pnpm --filter @giftcard/bff sandbox` (SANDBOX_PORT, default 3100). */
const port = Number(process.env.SANDBOX_PORT ?? 3100);
const host = process.env.HOST ?? '127.0.0.1';
const { app } = createSandboxApp();
app.listen(port, host, () => {
  process.stdout.write(`WeChat sandbox: http://${host}:${port}/sandbox (WECHAT_API_BASE)\n`);
});
