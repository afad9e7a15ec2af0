import { createHash, timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import { HttpError } from '../http/errors';
import type { RateLimits } from '../http/rate-limit';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * `Authorization: Bearer <ADMIN_TOKEN>`, else 401. The two tokens are compared as SHA-256
 * digests with timingSafeEqual: equal-length inputs, so neither the content nor the length of the
 * expected token shows in the time a wrong guess takes. Failed tokens count against the client IP's
 * quota (RATE_AUTH_FAILURES_PER_IP); once it is spent, that IP is answered 429 whatever it sends, so
 * guessing on learns nothing until the window ends.
 */
export function bearerAuth(adminToken: string, limits: RateLimits): Koa.Middleware {
  const expected = sha256(adminToken);
  return async (ctx, next) => {
    await limits.check('authFailuresPerIp', `admin:${ctx.ip}`);
    const m = /^Bearer +(\S+) *$/i.exec(ctx.get('authorization'));
    const ok = adminToken.length > 0 && m !== null && timingSafeEqual(sha256(m[1]!), expected);
    if (!ok) {
      await limits.hit('authFailuresPerIp', `admin:${ctx.ip}`);
      ctx.set('WWW-Authenticate', 'Bearer realm="admin"');
      throw new HttpError(401, 'unauthorized', 'a valid merchant API bearer token (ADMIN_TOKEN) is required');
    }
    await next();
  };
}
