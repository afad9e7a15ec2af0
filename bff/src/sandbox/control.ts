import { brandInfo } from '@giftcard/shared';
import { z } from 'zod';
import { registerCardControls } from './areas/cards/control';
import { registerInvoiceControls } from './areas/invoice/control';
import { registerSubmerchantControls } from './areas/submerchant/control';
import { controlRouter } from './core/control-router';
import type { SandboxWorld } from './world';

/** `/sandbox/_control/*`: acting as WeChat and as WeChat users. Each area adds its own actions. */
export function controlRoutes(world: SandboxWorld) {
  const { router, post } = controlRouter(world);
  router.get('/_control/calls', (ctx) => {
    ctx.body = world.calls.all();
  });

  // WeChat's own clock, tokens and transient failures.
  post('/_control/clock/advance', z.object({ seconds: z.number().int().positive() }), ({ seconds }, w) => {
    w.clock.advance(seconds);
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
      times: z.number().int().positive().default(1),
    }),
    (fault, w) => w.faults.arm(fault),
  );

  // A Mini Program user's wx.login.
  post('/_control/users/login', z.object({ openid: z.string().min(1), unionid: z.string().optional() }), (u, w) => ({
    code: w.logins.mint(u.openid, w.clock.now(), u.unionid),
  }));

  // Scan products: the merchant's platform actions, WeChat's review, a user's scan.
  const key = { keystandard: z.string().min(1), keystr: z.string().min(1) };
  post(
    '/_control/products',
    z.object({
      ...key,
      category_id: z.number().int().default(0),
      category_name: z.string().default(''),
      status: z.enum(['on', 'off', 'check', 'reject']).optional(),
      brand_info: brandInfo.default({}),
    }),
    (p, w) => w.scan.createProduct(p),
  );
  post('/_control/products/review', z.object({ ...key, pass: z.boolean() }), (r, w) => w.scan.review(r.keystandard, r.keystr, r.pass));
  post(
    '/_control/products/scan',
    z.object({ ...key, openid: z.string().min(1), extinfo: z.string().default(''), scene: z.number().int().optional(), isContact: z.boolean().optional() }),
    (s, w) => ({ ticket: w.scan.scan(s.openid, s.keystandard, s.keystr, s.extinfo, s) }),
  );
  registerCardControls(post);
  registerInvoiceControls(post);
  registerSubmerchantControls(post);
  return router;
}
