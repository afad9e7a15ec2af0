import { randomFillSync } from 'node:crypto';

/**
 * Cryptographically random bytes from a pool refilled 4 KiB at a time. Each `randomBytes` call asks
 * OpenSSL separately (about 4 µs here, most of it per call, not per byte), which showed as a fifth of
 * a safe-mode reply's cost. Every byte is handed out once, as a copy.
 */
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

export function pooledRandomBytes(size: number): Buffer {
  if (size > POOL_SIZE) return randomFillSync(Buffer.allocUnsafe(size));
  if (offset + size > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + size));
  offset += size;
  return out;
}
