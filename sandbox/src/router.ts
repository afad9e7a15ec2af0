import Router from '@koa/router';
import type Koa from 'koa';
import getRawBody from 'raw-body';
import { answer, routeTable } from './core/dispatch';
import { describeWechatError } from '@giftcard/shared';
import { serveDemoAsset } from './assets';
import { MAX_IMAGE_BYTES, MEDIA_PATH } from './areas/media/handlers';
import { controlRoutes } from './control';
import type { SandboxWorld } from './world';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The WeChat API as the sandbox serves it: `/sandbox/<WeChat path>` for every endpoint of the
 * tables, plus `/sandbox/_control/*` for tests and people acting on WeChat's side.
 */
export function sandboxRouter(world: SandboxWorld, prefix = '/sandbox'): Router {
  const router = new Router({ prefix });
  // WeChat's own timers (a gift nobody accepted in 24 hours comes back) have run by the time anything
  // is asked of it: a call, a user's action, a control read.
  router.use(async (_ctx, next) => {
    world.tick();
    await next();
  });
  // The demo shop's own pictures (the demo seed points at them): it runs offline.
  router.get('/assets/:name', (ctx) => serveDemoAsset(ctx, ctx.params.name ?? ''));
  // Uploaded images (/cgi-bin/media/uploadimg), at the URL the upload answered: WeChat's CDN.
  router.get(`${MEDIA_PATH}/:id`, (ctx) => {
    const image = world.media.get(ctx.params.id ?? '');
    if (!image) {
      ctx.status = 404;
      return;
    }
    ctx.type = image.contentType;
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    // An uploaded SVG is shown as a picture, never run as a document on this origin.
    ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.body = Buffer.from(image.data);
  });
  router.use(controlRoutes(world).routes());
  for (const [key, routes] of routeTable()) {
    const [method, path] = key.split(' ') as ['GET' | 'POST', string];
    const handle = async (ctx: Koa.Context) => {
      const query = Object.fromEntries(Object.entries(ctx.query).map(([k, v]) => [k, Array.isArray(v) ? v[0] ?? '' : v ?? '']));
      let payload: unknown = method === 'GET' ? query : undefined;
      if (method === 'POST' && routes[0]!.endpoint.body === 'multipart') {
        const file = await multipartFile(ctx, 'buffer');
        if (!file) {
          ctx.body = { errcode: 41005, errmsg: describeWechatError(41005) };
          return;
        }
        payload = { buffer: file };
      } else if (method === 'POST') {
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
      const { body, lost } = await answer(world, { routes, query, payload, apiBase: `${ctx.protocol}://${ctx.host}${prefix}` });
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

/**
 * The file part `field` of a multipart form-data body, or undefined (not multipart, no such part, not
 * a file). Read up to a little over WeChat's image cap, so an image too large is answered 40009.
 */
async function multipartFile(ctx: Koa.Context, field: string): Promise<{ filename: string; contentType: string; data: Uint8Array } | undefined> {
  const type = ctx.get('content-type');
  if (!type.startsWith('multipart/form-data')) return undefined;
  const raw = await getRawBody(ctx.req, { limit: MAX_IMAGE_BYTES * 2 });
  let form: FormData;
  try {
    form = await new Response(raw, { headers: { 'content-type': type } }).formData();
  } catch {
    return undefined;
  }
  const part = form.get(field);
  if (!part || typeof part === 'string') return undefined;
  return { filename: part.name || field, contentType: part.type || 'application/octet-stream', data: new Uint8Array(await part.arrayBuffer()) };
}
