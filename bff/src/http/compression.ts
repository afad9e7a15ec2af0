import compress from 'koa-compress';
import type Koa from 'koa';

/**
 * Brotli or gzip, as the client asks (koa-compress: brotli at quality 4, fast enough per request),
 * for bodies over 1 KiB whose type is compressible (koa-compress's default filter, the
 * `compressible` package: text, JSON, XML, SVG; not PNG or JPEG), wherever they are served: the H5
 * app, the landing pages, the sandbox's demo and uploaded pictures. Small JSON or XML answers stay
 * under the threshold. A route that puts a secret beside reflected input (the invoice form's CSRF
 * token) sets `ctx.compress = false` (BREACH).
 */
export function compression(): Koa.Middleware {
  return compress({ threshold: 1024 });
}
