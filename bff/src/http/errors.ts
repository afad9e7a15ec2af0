import type Koa from 'koa';
import type { Logger } from '../log';
import { requestLogger } from './request-id';

/** An error meant for the client: its status, a stable code and a message safe to show. */
export class HttpError extends Error {
  /** Response headers that belong to the answer (e.g. `Retry-After` of a 429). */
  headers?: Record<string, string>;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * The one error shape of the JSON API: `{error: {code, message}}`. Anything unexpected is logged
 * and answered 500 without its stack. Koa's own HTTP errors (413 from raw-body …) keep their status.
 */
export function errorMiddleware(logger: Logger): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (e) {
      const err = e as Error & { status?: number; expose?: boolean; type?: string };
      if (err instanceof HttpError) {
        for (const [name, value] of Object.entries(err.headers ?? {})) ctx.set(name, value);
        ctx.status = err.status;
        ctx.body = { error: { code: err.code, message: err.message, ...err.extra } };
        return;
      }
      if (typeof err.status === 'number' && err.status < 500 && err.expose) {
        ctx.status = err.status;
        ctx.body = { error: { code: err.type ?? 'bad_request', message: err.message } };
        return;
      }
      requestLogger(ctx, logger).error('unhandled error', { path: ctx.path, method: ctx.method, error: err.message, stack: err.stack });
      ctx.status = 500;
      ctx.body = { error: { code: 'internal', message: 'internal error' } };
    }
  };
}
