/**
 * Signatures of WeChat's message push (Official Accounts Platform, "接入指南" and "消息加解密说明").
 *
 * - `signature` (GET verification, and every POST in plain mode): sha1 of token, timestamp and nonce,
 *   sorted lexicographically and concatenated.
 * - `msg_signature` (safe / compatible mode): the same with the `Encrypt` text as a fourth member.
 *
 * Pure functions: no I/O. Hex digests are lowercase, as WeChat sends them.
 */
import { hash, timingSafeEqual } from 'node:crypto';

/**
 * Sort by UTF-8 bytes, as WeChat's reference samples do (PHP `sort(SORT_STRING)`, Python 2 `list.sort()`
 * on byte strings). For the ASCII values WeChat sends this equals JavaScript's default sort; for other
 * text, byte order (= code point order) differs from UTF-16 order, so do it explicitly.
 */
function sha1OfSorted(parts: string[]): string {
  // The common case, on every push: for ASCII, UTF-16 order is byte order, and one one-shot hash does.
  if (parts.every(isAscii)) return hash('sha1', parts.sort().join(''), 'hex');
  return hash('sha1', Buffer.concat(parts.map((p) => Buffer.from(p, 'utf8')).sort(Buffer.compare)), 'hex');
}

const NON_ASCII = /[^\x00-\x7f]/;
const isAscii = (s: string): boolean => !NON_ASCII.test(s);

/** `signature` of the GET verification and of plain-mode POSTs: sha1(sort(token, timestamp, nonce)). */
export function callbackSignature(token: string, timestamp: string, nonce: string): string {
  return sha1OfSorted([token, timestamp, nonce]);
}

/** `msg_signature` of safe-mode pushes and replies: sha1(sort(token, timestamp, nonce, encrypt)). */
export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return sha1OfSorted([token, timestamp, nonce, encrypt]);
}

/**
 * Constant-time comparison of two signatures (as sent: no case folding). Unequal lengths, or a value that
 * is not a string (a repeated query parameter arrives as an array), answer false without throwing; the
 * length of a signature is public (40 hex digits), so returning early on it leaks nothing.
 */
export function safeEqualHex(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length || x.length === 0) return false;
  return timingSafeEqual(x, y);
}
