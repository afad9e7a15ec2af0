import { readFileSync } from 'node:fs';
import path from 'node:path';
import type Koa from 'koa';

/**
 * The project's icon (`bff/assets/favicon.ico`: a white gift on a WeChat-green rounded square, 32×32,
 * one PNG in an ICO, which every browser since IE 11 reads). Read once, when first asked; the same
 * path from src/ (tests) and dist/ (the build).
 */
const ICON_PATH = path.join(__dirname, '..', '..', 'assets', 'favicon.ico');

let icon: Buffer | undefined;

/** GET/HEAD /favicon.ico and /app/favicon.ico (the H5 build has none; browsers ask the origin's root). */
export function favicon(): Koa.Middleware {
  return async (ctx, next) => {
    if ((ctx.path !== '/favicon.ico' && ctx.path !== '/app/favicon.ico') || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    icon ??= readFileSync(ICON_PATH);
    ctx.status = 200;
    ctx.type = 'image/x-icon';
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.body = icon;
  };
}
