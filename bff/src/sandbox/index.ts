import Koa from 'koa';
import { DEMO_SANDBOX_CONFIG, type SandboxConfig } from './config';
import { sandboxRouter } from './router';
import { SandboxWorld } from './world';

export { SandboxWorld } from './world';
export { DEMO_SANDBOX_CONFIG, type SandboxCallbackConfig, type SandboxConfig } from './config';
export { startPusher, type CallbackPusher, type PushDelivery } from './pusher';
export { sandboxRouter } from './router';
export { WechatFault } from './core/fault';

/** A Koa app serving only the sandbox (the BFF mounts the same router when SANDBOX=1). */
export function createSandboxApp(config: Partial<SandboxConfig> = {}, prefix = '/sandbox') {
  const world = new SandboxWorld({ ...DEMO_SANDBOX_CONFIG, ...config });
  const app = new Koa();
  const router = sandboxRouter(world, prefix);
  app.use(router.routes()).use(router.allowedMethods());
  return { app, world };
}
