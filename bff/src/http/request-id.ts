import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import type { Logger } from '../log';

/** An id a load balancer or client may send: short, no blanks or separators that could split a log line. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What a request carries in `ctx.state`: its id, and its child logger once one was asked for. */
interface RequestState {
  requestId?: string;
  requestLogger?: Logger;
}

/**
 * A request id per request: `X-Request-Id` as sent when well-formed, else a fresh UUID; answered in the
 * same header and kept in `ctx.state.requestId`. Lines about the request carry it when logged through
 * `requestLogger(ctx, logger)`. No AsyncLocalStorage: its async hooks cost every await in the process.
 */
export function requestId(): Koa.Middleware {
  return (ctx, next) => {
    assignRequestId(ctx);
    return next();
  };
}

/** What requestId() does for one request; the callback, mounted ahead of it, calls it itself. */
export function assignRequestId(ctx: Koa.Context): void {
  const sent = ctx.get('X-Request-Id');
  const id = REQUEST_ID.test(sent) ? sent : randomUUID();
  ctx.set('X-Request-Id', id);
  (ctx.state as RequestState).requestId = id;
}

/**
 * The request's logger: `base`'s child with `req_id`, made on first use and kept for the request (a
 * push that logs nothing makes none). Without a request id (no requestId() upstream) it is `base`.
 */
export function requestLogger(ctx: Koa.Context, base: Logger): Logger {
  const state = ctx.state as RequestState;
  if (state.requestLogger) return state.requestLogger;
  if (state.requestId === undefined) return base;
  return (state.requestLogger = base.child({ req_id: state.requestId }));
}

/**
 * A logger for one request that makes its child only if a line is written: what the hot callback path
 * passes down, so a push that logs nothing pays one small object (methods on the prototype, no
 * closures made per request), not a pino child.
 */
export function lazyRequestLogger(ctx: Koa.Context, base: Logger): Logger {
  return new LazyRequestLogger(ctx, base);
}

class LazyRequestLogger implements Logger {
  private log: Logger | undefined;
  constructor(
    private readonly ctx: Koa.Context,
    private readonly base: Logger,
  ) {}
  private get(): Logger {
    return (this.log ??= requestLogger(this.ctx, this.base));
  }
  debug(msg: string, fields?: Record<string, unknown>): void {
    this.get().debug(msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.get().info(msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.get().warn(msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.get().error(msg, fields);
  }
  child(bindings: Record<string, unknown>): Logger {
    return this.get().child(bindings);
  }
}
