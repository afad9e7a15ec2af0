import { createHash, timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import { HttpError } from './errors';
import type { RateLimits } from './rate-limit';

/**
 * `Authorization: Bearer <token>`, the one check behind /admin (ADMIN_TOKEN), /pos (terminal keys) and
 * /metrics (METRICS_TOKEN): what the token proves, else 401 with `WWW-Authenticate` naming the realm.
 * With `limits`, failed tokens count against the client IP's quota (RATE_AUTH_FAILURES_PER_IP); once it
 * is spent, that IP is answered 429 whatever it sends, so guessing on learns nothing until the window ends.
 */
export function bearer<T>(opts: {
  realm: string;
  /** What a caller without a valid token is told. */
  refusal: string;
  /** What `token` proves, or null. */
  verify: (token: string) => T | null | Promise<T | null>;
  limits?: RateLimits;
}): (ctx: Koa.Context) => Promise<T> {
  return async (ctx) => {
    const quota = `${opts.realm}:${ctx.ip}`;
    await opts.limits?.check('authFailuresPerIp', quota);
    const m = /^Bearer +(\S+) *$/i.exec(ctx.get('authorization'));
    const proven = m ? await opts.verify(m[1]!) : null;
    if (proven === null) {
      await opts.limits?.hit('authFailuresPerIp', quota);
      ctx.set('WWW-Authenticate', `Bearer realm="${opts.realm}"`);
      throw new HttpError(401, 'unauthorized', opts.refusal);
    }
    return proven;
  };
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * A verifier for one shared secret. The two are compared as SHA-256 digests with timingSafeEqual:
 * equal-length inputs, so neither the content nor the length of the secret shows in the time a wrong
 * guess takes. An empty secret proves nothing.
 */
export function sameSecret(secret: string): (token: string) => true | null {
  const expected = sha256(secret);
  return (token) => (secret.length > 0 && timingSafeEqual(sha256(token), expected) ? true : null);
}
