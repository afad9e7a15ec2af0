import { z } from 'zod';
import { registerCardControls } from './areas/cards/control';
import { registerInvoiceControls } from './areas/invoice/control';
import { registerScanControls } from './areas/scan/control';
import { registerSubmerchantControls } from './areas/submerchant/control';
import { controlRouter } from './core/control-router';
import { FAULT_RULES } from './core/faults';
import { registerPushControls } from './pusher/control';
import type { SandboxWorld } from './world';

/** `/sandbox/_control/*`: acting as WeChat and as WeChat users. Each area adds its own actions. */
export function controlRoutes(world: SandboxWorld) {
  const { router, post } = controlRouter(world);
  router.get('/_control/calls', (ctx) => {
    ctx.body = world.calls.all();
  });

  // WeChat's own clock, tokens and transient failures. The BFF reads the clock (GET) to judge a push's
  // timestamp, which the pusher signs with this clock, when the sandbox runs apart from it.
  router.get('/_control/clock', (ctx) => {
    ctx.body = { now: world.clock.now() };
  });
  post('/_control/clock/advance', z.object({ seconds: z.number().int().positive() }), ({ seconds }, w) => {
    w.clock.advance(seconds);
    w.tick();
    return { now: w.clock.now() };
  });
  post('/_control/tokens/expire', z.object({}), (_, w) => w.tokens.expireAll());
  post('/_control/tokens/revoke', z.object({}), (_, w) => w.tokens.revokeAll());
  post(
    '/_control/faults',
    z.object({
      endpoint: z.string().min(1),
      errcode: z.number().int().optional(),
      errmsg: z.string().optional(),
      delayMs: z.number().int().nonnegative().max(60_000).optional(),
      afterApply: z.boolean().optional(),
      drop: z.boolean().optional(),
      times: z.number().int().positive().default(1),
    }).superRefine((f, ctx) => {
      // The injector's own rules, so a wrong combination is a 400 naming the field, not a 500.
      for (const r of FAULT_RULES) if (!r.ok(f)) ctx.addIssue({ code: 'custom', path: [r.path], message: r.message });
    }),
    (fault, w) => w.faults.arm(fault),
  );

  // A Mini Program user's wx.login.
  post('/_control/users/login', z.object({ openid: z.string().min(1), unionid: z.string().optional() }), (u, w) => ({
    code: w.logins.mint(u.openid, w.clock.now(), u.unionid),
  }));

  registerScanControls(post);
  registerCardControls(post, router, world);
  registerInvoiceControls(post);
  registerSubmerchantControls(post);
  registerPushControls(router, post, world);
  return router;
}
