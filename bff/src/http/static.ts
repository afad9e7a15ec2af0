import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type Koa from 'koa';

/** Content types of what a Taro H5 build holds; anything else is served as bytes. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** webpack's `[name].[contenthash:8].ext`: the name changes whenever the content does. */
const HASHED = /\.[0-9a-f]{8,}\.[a-z0-9]+$/i;

/**
 * The page's CSP: everything from this origin (the app calls /api and /sandbox same-origin),
 * images from anywhere WeChat keeps card faces (http and https), the build's inline scripts by
 * their hashes only, inline styles (Taro's components set style attributes).
 */
function contentSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)]
    .map((m) => m[1]!)
    .filter((body) => body.length > 0)
    .map((body) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https: http:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * A built single-page app (the Mini Program's H5 build) under `prefix`: GET and HEAD only,
 * `index.html` for the directory, nothing outside `root` (`..`, encoded or not, and symlinks out
 * are 404), hashed assets cached for a year, everything else revalidated (ETag / Last-Modified); a
 * file's prebuilt `.br` copy, when there is one, for clients that accept brotli.
 * `root` is looked up per request: a rebuild (which empties it for a moment) needs no restart.
 */
export function serveStatic(root: string, prefix = '/app'): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.path !== prefix && !ctx.path.startsWith(`${prefix}/`)) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', 'GET, HEAD');
      ctx.status = 405;
      ctx.body = { error: { code: 'method_not_allowed', message: `${ctx.method} is not allowed on ${ctx.path}` } };
      return;
    }
    // `./js/…` in index.html resolves against the directory: /app must become /app/.
    if (ctx.path === prefix) {
      ctx.status = 301;
      ctx.redirect(`${prefix}/${ctx.querystring ? `?${ctx.querystring}` : ''}`);
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(ctx.path.slice(prefix.length + 1));
    } catch {
      return notFound(ctx);
    }
    if (rel.includes('\0') || rel.includes('\\') || rel.split('/').some((s) => s === '..' || s === '.')) return notFound(ctx);
    const base = await realpath(root).catch(() => null);
    if (base === null) return notFound(ctx, 'The H5 app is not built yet: run pnpm build.');
    const wanted = path.resolve(base, rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel);
    const file = await realpath(wanted).catch(() => null);
    if (file === null || (file !== base && !file.startsWith(base + path.sep))) return notFound(ctx);
    const st = await stat(file).catch(() => null);
    if (!st?.isFile()) return notFound(ctx);

    const ext = path.extname(file).toLowerCase();
    ctx.status = 200;
    ctx.type = TYPES[ext] ?? 'application/octet-stream';
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cache-Control', HASHED.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache');
    ctx.lastModified = st.mtime;
    ctx.etag = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    if (ext === '.html') {
      const html = await readFile(file, 'utf8');
      ctx.set('Content-Security-Policy', contentSecurityPolicy(html));
      if (ctx.fresh) return void (ctx.status = 304);
      ctx.body = html; // Koa sends no body to HEAD, only the length
      return;
    }
    // The build's brotli copy (`<file>.br`, quality 11, written beside it by the H5 build) when the
    // client takes br: smaller than compressing per request, and koa-compress leaves an encoded body alone.
    ctx.vary('Accept-Encoding');
    const brFile = ctx.acceptsEncodings('br', 'identity') === 'br' ? await realpath(`${file}.br`).catch(() => null) : null;
    const br = brFile?.startsWith(base + path.sep) ? await stat(brFile).catch(() => null) : null;
    if (brFile && br?.isFile()) {
      ctx.set('Content-Encoding', 'br');
      ctx.etag = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}-br"`;
      if (ctx.fresh) return void (ctx.status = 304);
      ctx.length = br.size;
      if (ctx.method === 'GET') ctx.body = createReadStream(brFile);
      return;
    }
    if (ctx.fresh) return void (ctx.status = 304);
    ctx.length = st.size;
    if (ctx.method === 'GET') ctx.body = createReadStream(file);
  };
}

function notFound(ctx: Koa.Context, message = 'Not found'): void {
  ctx.status = 404;
  ctx.type = 'text/plain; charset=utf-8';
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.body = message;
}
