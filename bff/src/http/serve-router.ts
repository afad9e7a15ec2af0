import type Router from '@koa/router';
import type { RouterMiddleware } from '@koa/router';
import type Koa from 'koa';
import { HttpError } from './errors';
import { asHttpError } from './wechat-errors';

/**
 * Runs `router` for a request already inside its area (/admin, /pos): a path it does not know is 404,
 * a known path with another method 405 with `Allow`, and a WeChat failure its routes did not turn into
 * their own answer is answered by the one table (http/wechat-errors.ts), with WeChat's details for the
 * merchant.
 */
export async function serveRouter(router: Router, routes: RouterMiddleware, ctx: Koa.Context, next: Koa.Next, area: string): Promise<void> {
  const match = router.match(ctx.path, ctx.method);
  if (!match.route) {
    if (match.path.length === 0) throw new HttpError(404, 'not_found', `no ${area} route ${ctx.method} ${ctx.path}`);
    ctx.set('Allow', [...new Set(match.path.flatMap((l) => l.methods))].join(', '));
    throw new HttpError(405, 'method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}`);
  }
  try {
    await routes(ctx as never, next);
  } catch (e) {
    throw asHttpError(e, 'merchant');
  }
}
