import compress from 'koa-compress';
import type Koa from 'koa';

/** What is compressed: the H5 app, the landing pages and their stylesheet, the sandbox's demo images. */
const COMPRESSED = /^\/(app|landing|sandbox\/assets)(\/|$)/;

/**
 * Brotli or gzip, as the client asks (koa-compress: brotli at quality 4, fast enough per request),
 * for bodies over 1 KiB of a compressible type. Not the callback, the APIs or the till: their
 * answers are small JSON or XML. A route that puts a secret beside reflected input (the invoice
 * form's CSRF token) sets `ctx.compress = false` (BREACH).
 */
export function compression(): Koa.Middleware {
  const inner = compress({ threshold: 1024 });
  return (ctx, next) => (COMPRESSED.test(ctx.path) ? inner(ctx, next) : next());
}
