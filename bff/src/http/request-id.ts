import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import { requestContext } from '../log';

/** An id a load balancer or client may send: short, no blanks or separators that could split a log line. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A request id per request: `X-Request-Id` as sent when well-formed, else a fresh UUID; answered in the
 * same header, and on every log line written while the request is served (requestContext).
 */
export function requestId(): Koa.Middleware {
  return (ctx, next) => {
    const sent = ctx.get('X-Request-Id');
    const id = REQUEST_ID.test(sent) ? sent : randomUUID();
    ctx.set('X-Request-Id', id);
    return requestContext.run({ requestId: id }, next);
  };
}
