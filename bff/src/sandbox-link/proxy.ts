import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type Koa from 'koa';
import { HttpError } from '../http/errors';

/** Headers of one connection, not of the message: never passed on by a proxy (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = new Set((String(headers.connection ?? '')).split(',').map((h) => h.trim().toLowerCase()));
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !named.has(name)));
}

/**
 * SANDBOX=1: `/sandbox` and everything under it, any method, passed to the WeChat sandbox running as a
 * service of its own (`sandboxUrl`, its origin): request and answer streamed through (status, headers,
 * body; compressed by the app as any answer of this origin), so the H5 app's demo login, the pictures and `/sandbox/_control/*` work at the BFF's
 * origin whatever WORKERS is. The original Host and scheme go along as X-Forwarded-Host/-Proto, so the
 * URLs the sandbox answers (an uploaded picture's) are this origin's. A sandbox that drops the
 * connection (its `drop` fault) drops the client's too, as WeChat's would; one that does not answer at
 * all is a 502.
 */
export function sandboxProxy(sandboxUrl: string, prefix = '/sandbox'): Koa.Middleware {
  const target = new URL(sandboxUrl);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return async (ctx, next) => {
    if (ctx.path !== prefix && !ctx.path.startsWith(`${prefix}/`)) return next();
    const upstream = send({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: ctx.method,
      path: ctx.url,
      headers: {
        ...endToEnd(ctx.req.headers),
        // The BFF compresses what it sends (by content type, as every answer of its origin): plain from the sandbox.
        'accept-encoding': 'identity',
        'x-forwarded-host': ctx.host,
        'x-forwarded-proto': ctx.protocol,
        'x-forwarded-for': ctx.ip,
      },
    });
    let answer: IncomingMessage;
    try {
      answer = await new Promise<IncomingMessage>((resolve, reject) => {
        upstream.once('response', resolve);
        upstream.once('error', reject);
        ctx.req.pipe(upstream);
        // The client gone before the whole answer: the sandbox's request goes too.
        ctx.res.once('close', () => {
          if (!ctx.res.writableFinished) upstream.destroy();
        });
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ECONNRESET' && !ctx.req.socket.destroyed) {
        // The sandbox reset the connection after it had the request: the client meets the same.
        ctx.respond = false;
        ctx.req.socket.resetAndDestroy();
        return;
      }
      throw new HttpError(502, 'sandbox_unavailable', `the WeChat sandbox at ${target.origin} did not answer (${err.code ?? err.message}); is it running (pnpm sandbox, SANDBOX_URL)?`);
    }
    ctx._matchedRoute = `${prefix}/(proxied)`;
    ctx.status = answer.statusCode ?? 502;
    if (answer.statusMessage) ctx.message = answer.statusMessage;
    for (const [name, value] of Object.entries(endToEnd(answer.headers))) if (value !== undefined) ctx.set(name, value);
    // Cut off half-way: the client's connection ends too, not a body that looks complete.
    answer.once('aborted', () => ctx.res.destroy());
    answer.once('error', () => ctx.res.destroy());
    // A stream as the body: Koa sends it (none for HEAD, 204, 304), compressed as any answer of this origin.
    ctx.body = answer;
  };
}
