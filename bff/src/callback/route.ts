import type Koa from 'koa';
import { parse as parseQueryString } from 'node:querystring';
import getRawBody from 'raw-body';
import { lazyRequestLogger } from '../http/request-id';
import type { Logger } from '../log';
import type { CallbackService } from './callback-service';
import { verifyEcho } from '@giftcard/shared/wechat/message';

/** WeChat pushes are small; anything bigger is refused before it is read whole. */
export const MAX_PUSH_BYTES = 64 * 1024;
export const CALLBACK_PATH = '/wechat/callback';
const XML_TYPE = 'application/xml';
const TEXT_TYPE = 'text/plain; charset=utf-8';

/**
 * `GET|POST /wechat/callback` (CONTRACT.md): thin over CallbackService. A plain middleware rather than
 * a router, mounted ahead of the others: it is the one route WeChat calls at full rate, and a path
 * comparison is all the routing it needs. `observe` is told each request's status and latency once; a
 * request that throws is told as 500 (what Koa answers it), not the 404 ctx.status still holds then.
 * `logger`: the request's lines carry its id (http/request-id.ts), a child made only if one is written.
 */
export function callbackRoute(
  service: CallbackService,
  token: string,
  observe?: (status: number, seconds: number) => void,
  logger?: Logger,
): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.path !== CALLBACK_PATH) return next();
    ctx._matchedRoute = CALLBACK_PATH; // the metrics' route label, as the routers set it
    const started = performance.now();
    let status = 500;
    try {
      await answer(ctx);
      status = ctx.status;
    } finally {
      observe?.(status, (performance.now() - started) / 1000);
    }
  };

  async function answer(ctx: Koa.Context): Promise<void> {
    // The same reading as Koa's `ctx.query` (a repeated name gives an array, '+' is a space) at under
    // half its cost: Koa 3 builds it through URLSearchParams and a defineProperty per name.
    const query = parseQueryString(ctx.querystring);
    if (ctx.method === 'GET' || ctx.method === 'HEAD') {
      const echostr = verifyEcho(query, token);
      if (echostr === undefined) {
        ctx.status = 401;
        ctx.body = '';
        return;
      }
      ctx.type = 'text/plain';
      ctx.body = echostr;
      return;
    }
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.set('Allow', 'HEAD, GET, POST');
      return;
    }
    let body: string;
    try {
      // Bytes, decoded here: raw-body's own `encoding` goes through iconv-lite (1-2% of a push's CPU)
      // for the same UTF-8 reading (malformed sequences become U+FFFD either way).
      body = (await getRawBody(ctx.req, { limit: MAX_PUSH_BYTES })).toString('utf8');
    } catch (e) {
      const status = (e as { status?: number }).status;
      ctx.status = status === 413 ? 413 : 400;
      ctx.body = '';
      if (status === 413) ctx.set('Connection', 'close');
      return;
    }
    const reply = await service.handle(query, body, logger && lazyRequestLogger(ctx, logger));
    ctx.status = reply.status;
    // The header itself, as `ctx.type` would write it, without its MIME lookup on every push.
    ctx.set('Content-Type', reply.body.startsWith('<') ? XML_TYPE : TEXT_TYPE);
    ctx.body = reply.body;
  }
}
