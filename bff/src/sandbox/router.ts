import Router from '@koa/router';
import type Koa from 'koa';
import getRawBody from 'raw-body';
import { sleep } from '../util/sleep';
import { answer, routeTable } from './core/dispatch';
import { serveDemoAsset } from './assets';
import { controlRoutes } from './control';
import type { SandboxWorld } from './world';

/**
 * The WeChat API as the sandbox serves it: `/sandbox/<WeChat path>` for every endpoint of the
 * tables, plus `/sandbox/_control/*` for tests and people acting on WeChat's side.
 */
export function sandboxRouter(world: SandboxWorld, prefix = '/sandbox'): Router {
  const router = new Router({ prefix });
  // The demo shop's own pictures (the demo seed points at them): it runs offline.
  router.get('/assets/:name', (ctx) => serveDemoAsset(ctx, ctx.params.name ?? ''));
  router.use(controlRoutes(world).routes());
  for (const [key, routes] of routeTable()) {
    const [method, path] = key.split(' ') as ['GET' | 'POST', string];
    const handle = async (ctx: Koa.Context) => {
      const query = Object.fromEntries(Object.entries(ctx.query).map(([k, v]) => [k, Array.isArray(v) ? v[0] ?? '' : v ?? '']));
      let payload: unknown = method === 'GET' ? query : undefined;
      if (method === 'POST') {
        const raw = await getRawBody(ctx.req, { limit: '1mb', encoding: 'utf8' });
        if (raw.trim()) {
          try {
            payload = JSON.parse(raw);
          } catch {
            ctx.body = { errcode: 47001, errmsg: 'data format error' };
            return;
          }
        }
      }
      const { body, lost } = await answer(world, { routes, query, payload });
      // A lost answer (fault `afterApply`): the state changed already; awaiting here holds up this
      // request only, the others are answered meanwhile.
      if (lost?.delayMs) await sleep(lost.delayMs);
      if (lost?.drop) {
        // No answer at all: a TCP reset, what the caller meets when the connection dies on the way back.
        ctx.respond = false;
        ctx.req.socket.resetAndDestroy();
        return;
      }
      ctx.body = body;
    };
    if (method === 'GET') router.get(path, handle);
    else router.post(path, handle);
  }
  return router;
}
