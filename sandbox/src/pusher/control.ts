import type Router from '@koa/router';
import { z } from 'zod';
import type { ControlRoute } from '../core/control-router';
import type { SandboxWorld } from '../world';

const OUTCOMES = ['pending', 'acked', 'gave_up', 'stopped'] as const;

/**
 * The pusher's delivery log: `GET /_control/pushes[?event=…&outcome=…]`, and
 * `POST /_control/pushes/idle {timeoutMs?}`, answered once nothing is pending (or the wait ran out),
 * so a test over HTTP can wait for WeChat's deliveries to settle.
 */
export function registerPushControls(router: Router, post: ControlRoute, world: SandboxWorld): void {
  router.get('/_control/pushes', (ctx) => {
    const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
    const event = one(ctx.query.event);
    const outcome = one(ctx.query.outcome);
    ctx.body = report(world, (d) => (event === undefined || d.event === event) && (outcome === undefined || d.outcome === outcome));
  });
  post('/_control/pushes/idle', z.object({ timeoutMs: z.number().int().positive().max(600_000).default(30_000) }), async ({ timeoutMs }, w) => {
    const pusher = w.pusher;
    let idle = true;
    if (pusher) {
      let timer: NodeJS.Timeout | undefined;
      idle = await Promise.race([
        pusher.idle().then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    return { idle, ...report(w) };
  });
}

function report(world: SandboxWorld, keep: (d: { event: string; outcome: (typeof OUTCOMES)[number] }) => boolean = () => true) {
  const pusher = world.pusher;
  if (!pusher) return { configured: false, pending: 0, deliveries: [] };
  return { configured: true, url: pusher.url, mode: pusher.mode, pending: pusher.pending, deliveries: pusher.deliveries().filter(keep) };
}
