import type Koa from 'koa';
import { bearer, sameSecret } from '../http/bearer';
import type { RateLimits } from '../http/rate-limit';

/** `Authorization: Bearer <ADMIN_TOKEN>`, else 401 (failures rate limited per client IP). */
export function bearerAuth(adminToken: string, limits: RateLimits): Koa.Middleware {
  const authenticate = bearer({ realm: 'admin', refusal: 'a valid merchant API bearer token (ADMIN_TOKEN) is required', verify: sameSecret(adminToken), limits });
  return async (ctx, next) => {
    await authenticate(ctx);
    await next();
  };
}
