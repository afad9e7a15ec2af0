import Router from '@koa/router';
import getRawBody from 'raw-body';
import type { CallbackService } from './callback-service';
import { verifyEcho } from './open-push';

/** WeChat pushes are small; anything bigger is refused before it is read whole. */
export const MAX_PUSH_BYTES = 64 * 1024;

/** `GET|POST /wechat/callback` (CONTRACT.md): thin over CallbackService. */
export function callbackRouter(service: CallbackService, token: string): Router {
  const router = new Router();
  router.get('/wechat/callback', (ctx) => {
    const echostr = verifyEcho(ctx.query, token);
    if (echostr === undefined) {
      ctx.status = 401;
      ctx.body = '';
      return;
    }
    ctx.type = 'text/plain';
    ctx.body = echostr;
  });
  router.post('/wechat/callback', async (ctx) => {
    let body: string;
    try {
      body = await getRawBody(ctx.req, { limit: MAX_PUSH_BYTES, encoding: 'utf8' });
    } catch (e) {
      const status = (e as { status?: number }).status;
      ctx.status = status === 413 ? 413 : 400;
      ctx.body = '';
      if (status === 413) ctx.set('Connection', 'close');
      return;
    }
    const reply = await service.handle(ctx.query, body);
    ctx.status = reply.status;
    ctx.type = reply.body.startsWith('<') ? 'application/xml' : 'text/plain';
    ctx.body = reply.body;
  });
  return router;
}
