import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The one HMAC-SHA256 signer of the BFF's own tokens (Mini Program session tokens, the landing pages'
 * ticket-binding cookie and CSRF token), all keyed with SESSION_SECRET. `purpose` separates the uses,
 * so a token of one kind is never valid as another.
 */
export function sign(secret: string, purpose: string, ...parts: string[]): string {
  const h = createHmac('sha256', secret).update(purpose);
  // Length-prefixed parts: ("ab","c") and ("a","bc") sign differently.
  for (const p of parts) h.update(`\u0000${Buffer.byteLength(p)}:`).update(p);
  return h.digest('base64url');
}

/** Constant-time comparison of a presented token with the expected one. */
export function verify(secret: string, token: string | undefined, purpose: string, ...parts: string[]): boolean {
  if (typeof token !== 'string' || token.length === 0 || token.length > 128) return false;
  const expected = Buffer.from(sign(secret, purpose, ...parts));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
