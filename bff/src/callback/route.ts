import type Koa from 'koa';
import { parse as parseQueryString } from 'node:querystring';
import getRawBody from 'raw-body';
import { assignRequestId, lazyRequestLogger, requestLogger } from '../http/request-id';
import type { Logger } from '../log';
import type { CallbackService } from './callback-service';
import { verifyEcho } from '@giftcard/shared/wechat/message';

/** WeChat pushes are small; anything bigger is refused before it is read whole. */
export const MAX_PUSH_BYTES = 64 * 1024;
export const CALLBACK_PATH = '/wechat/callback';
const XML_TYPE = 'application/xml';
const TEXT_TYPE = 'text/plain; charset=utf-8';

/**
 * The callback's query string when the request is for CALLBACK_PATH, else undefined. Read off the
 * request line as it came (`/wechat/callback?…`), as Koa's `ctx.path` and `ctx.querystring` would
 * read it but without their parse of the whole URL into an object on every request; a request line
 * in absolute form (`http://host/…`, from a proxy) is left to Koa's reading.
 */
function callbackQuery(ctx: Koa.Context): string | undefined {
  const url = ctx.req.url ?? '';
  if (!url.startsWith('/')) return ctx.path === CALLBACK_PATH ? ctx.querystring : undefined;
  const q = url.indexOf('?');
  if ((q < 0 ? url.length : q) !== CALLBACK_PATH.length || !url.startsWith(CALLBACK_PATH)) return undefined;
  return q < 0 ? '' : url.slice(q + 1);
}

/**
 * `GET|POST /wechat/callback` (CONTRACT.md): thin over CallbackService. A plain middleware rather than
 * a router, mounted ahead of the others: it is the one route WeChat calls at full rate, and a path
 * comparison is all the routing it needs. It is mounted first (app.ts), so it gives itself the request id
 * the other routes get from requestId(), and answers whatever it throws itself (logged, an empty 500).
 * `observe` is told each request's status and latency once. `logger`: the request's lines carry its id
 * (http/request-id.ts), a child made only if one is written.
 */
export function callbackRoute(
  service: CallbackService,
  token: string,
  logger: Logger,
  observe?: (status: number, seconds: number) => void,
): Koa.Middleware {
  return async (ctx, next) => {
    const querystring = callbackQuery(ctx);
    if (querystring === undefined) return next();
    const started = performance.now();
    // Mounted ahead of the app's requestId() and error middleware (app.ts): what they do, done here.
    assignRequestId(ctx);
    try {
      await answer(ctx, querystring);
    } catch (e) {
      // Nothing stored can be assumed: an empty 500, which WeChat retries.
      const err = e as Error;
      requestLogger(ctx, logger).error('unhandled error', { path: ctx.path, method: ctx.method, error: err.message, stack: err.stack });
      ctx.status = 500;
      ctx.body = '';
    }
    observe?.(ctx.status, (performance.now() - started) / 1000);
  };

  async function answer(ctx: Koa.Context, querystring: string): Promise<void> {
    // The same reading as Koa's `ctx.query` (a repeated name gives an array, '+' is a space) at under
    // half its cost: Koa 3 builds it through URLSearchParams and a defineProperty per name.
    const query = parseQueryString(querystring);
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
    const reply = await service.handle(query, body, lazyRequestLogger(ctx, logger));
    ctx.status = reply.status;
    // The header itself, as `ctx.type` would write it, without its MIME lookup on every push.
    ctx.set('Content-Type', reply.body.startsWith('<') ? XML_TYPE : TEXT_TYPE);
    ctx.body = reply.body;
  }
}
