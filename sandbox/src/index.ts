import Koa from 'koa';
import { DEMO_SANDBOX_CONFIG, type SandboxConfig } from './config';
import { sandboxRouter } from './router';
import { SandboxWorld } from './world';

export { SandboxWorld } from './world';
export { DEMO_SANDBOX_CONFIG, type SandboxCallbackConfig, type SandboxConfig } from './config';
export { startPusher, type CallbackPusher, type PushDelivery } from './pusher';
export { sandboxRouter } from './router';
export { WechatFault } from './core/fault';
export { seedDemo, DEMO_BUYER, DEMO_MINI_USER, DEMO_PRODUCT, DEMO_SUB_MCH_ID, type DemoSeed } from './demo-seed';

/**
 * A Koa app serving only the sandbox, its routes under `prefix`: what `pnpm sandbox` (main.ts) listens
 * with, and what tests start on a port of their own. The BFF never imports this package: with SANDBOX=1
 * it proxies `/sandbox` to the running sandbox (SANDBOX_URL).
 */
export function createSandboxApp(config: Partial<SandboxConfig> = {}, prefix = '/sandbox') {
  const world = new SandboxWorld({ ...DEMO_SANDBOX_CONFIG, ...config });
  // X-Forwarded-Host/-Proto trusted: behind the BFF's /sandbox proxy the URLs it answers (an uploaded
  // picture's) are the BFF's origin, the one the browser sees.
  const app = new Koa({ proxy: true });
  const router = sandboxRouter(world, prefix);
  app.use(router.routes()).use(router.allowedMethods());
  return { app, world };
}
