/**
 * WeChat message crypto of "safe mode" (WXBizMsgCrypt; Official Accounts Platform, "消息加解密说明"):
 *
 * - EncodingAESKey: 43 characters; AESKey = Base64_Decode(EncodingAESKey + "="), 32 bytes.
 * - AES-256-CBC, IV = the first 16 bytes of AESKey.
 * - PKCS#7 padding to a multiple of 32 bytes (WeChat's samples use block size 32, not AES's 16), so
 *   Node's automatic padding is disabled and the padding is written and checked here.
 * - Plaintext = random(16 bytes) + msg_len (4 bytes, big-endian, length of msg in UTF-8 BYTES) + msg + AppId.
 *
 * Pure functions: no I/O. Every failure is a `CryptoError` with a `reason`, never a bare OpenSSL error.
 */
import { createCipheriv, createDecipheriv, type Cipher, type Decipher } from 'node:crypto';
import { pooledRandomBytes } from './random-pool';

/** WeChat pads to 32 bytes (`PKCS7Encoder.block_size = 32` in every official sample). */
export const WECHAT_PAD_BLOCK = 32;
const AES_BLOCK = 16;
const RANDOM_LENGTH = 16;
const LENGTH_FIELD = 4;

export type CryptoErrorReason =
  | 'bad_key' // EncodingAESKey is not 43 base64 characters / AES key is not 32 bytes
  | 'bad_base64' // Encrypt is not canonical-alphabet base64
  | 'bad_block' // ciphertext empty or not a whole number of AES blocks
  | 'bad_padding' // pad byte outside 1..32, longer than the text, or pad bytes not all equal
  | 'bad_length' // too short for random + length, or msg_len runs past the end
  | 'bad_utf8' // msg bytes are not valid UTF-8
  | 'appid_mismatch'; // AppId trailer differs from the expected AppId

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(readonly reason: CryptoErrorReason) {
    super(`wechat crypto: ${reason}`);
  }
}

const ENCODING_AES_KEY = /^[A-Za-z0-9+/]{43}$/;

/**
 * Validates a 43-character EncodingAESKey and returns the 32-byte AES key. The 43rd character carries two
 * bits beyond the 256 used; WeChat's own sample key ("...ABCDEFG") has them set, and its samples ignore
 * them, so non-zero trailing bits are accepted as WeChat does.
 */
export function parseEncodingAesKey(encodingAesKey: string): Buffer {
  if (typeof encodingAesKey !== 'string' || !ENCODING_AES_KEY.test(encodingAesKey)) {
    throw new CryptoError('bad_key');
  }
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new CryptoError('bad_key');
  return key;
}

function assertKey(aesKey: Buffer): void {
  if (!Buffer.isBuffer(aesKey) || aesKey.length !== 32) throw new CryptoError('bad_key');
}

/** Stateless between calls (no `stream` option), so one decoder serves every push. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Strict base64: only the standard alphabet, whole quads, at most two '=' at the end. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decrypts the `Encrypt` text of a push (or a GET `echostr` in WeCom) and returns msg. Validates, in order:
 * base64, whole AES blocks, strict PKCS#7 (1..32), msg_len within the text, the AppId trailer equal to
 * `expectedAppId` byte for byte, and UTF-8. The msg_signature must have been checked before (signature.ts).
 */
export function decryptMessage(aesKey: Buffer, encryptBase64: string, expectedAppId: string): string {
  assertKey(aesKey);
  if (typeof encryptBase64 !== 'string' || encryptBase64.length === 0) throw new CryptoError('bad_base64');
  if (encryptBase64.length % 4 !== 0 || !BASE64.test(encryptBase64)) throw new CryptoError('bad_base64');
  const cipherText = Buffer.from(encryptBase64, 'base64');
  if (cipherText.length === 0 || cipherText.length % AES_BLOCK !== 0) throw new CryptoError('bad_block');

  const padded = cbcDecrypt(aesKey, cipherText);

  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > WECHAT_PAD_BLOCK || pad > padded.length) throw new CryptoError('bad_padding');
  for (let i = padded.length - pad; i < padded.length; i++) {
    if (padded[i] !== pad) throw new CryptoError('bad_padding');
  }
  const plain = padded.subarray(0, padded.length - pad);

  if (plain.length < RANDOM_LENGTH + LENGTH_FIELD) throw new CryptoError('bad_length');
  const msgLength = plain.readUInt32BE(RANDOM_LENGTH);
  const msgStart = RANDOM_LENGTH + LENGTH_FIELD;
  if (msgLength > plain.length - msgStart) throw new CryptoError('bad_length');
  const msgEnd = msgStart + msgLength;

  if (!plain.subarray(msgEnd).equals(Buffer.from(expectedAppId, 'utf8'))) {
    throw new CryptoError('appid_mismatch');
  }
  try {
    return STRICT_UTF8.decode(plain.subarray(msgStart, msgEnd));
  } catch {
    throw new CryptoError('bad_utf8');
  }
}

/** Per key, kept: see cbcDecrypt. */
const ecbDeciphers = new WeakMap<Buffer, Decipher>();

/**
 * AES-256-CBC decryption of whole blocks with IV = the key's first 16 bytes, through one AES-256-ECB
 * decipher per key kept for good: CBC's plaintext block i is the ECB decryption of ciphertext block i
 * XORed with ciphertext block i-1 (the IV for the first). Creating a decipher per push
 * (createDecipheriv) was two thirds of its decryption (4.4 -> 1.4 us for a push). ECB without padding
 * holds nothing back between update() calls given whole blocks, so one serves every push; final() is
 * never called.
 */
function cbcDecrypt(aesKey: Buffer, cipherText: Buffer): Buffer {
  let ecb = ecbDeciphers.get(aesKey);
  if (ecb === undefined) {
    ecb = createDecipheriv('aes-256-ecb', aesKey, null);
    ecb.setAutoPadding(false);
    ecbDeciphers.set(aesKey, ecb);
  }
  const out = ecb.update(cipherText);
  if (out.length !== cipherText.length) throw new CryptoError('bad_block');
  for (let i = out.length - 1; i >= AES_BLOCK; i--) out[i] = out[i]! ^ cipherText[i - AES_BLOCK]!;
  for (let i = 0; i < AES_BLOCK; i++) out[i] = out[i]! ^ aesKey[i]!;
  return out;
}

/**
 * Encrypts a reply (or a sandbox push) the way WeChat does and returns the base64 `Encrypt` text.
 * `random16` makes it deterministic (tests, published vectors); by default 16 fresh random bytes.
 */
export function encryptMessage(aesKey: Buffer, message: string, appId: string, random16?: Buffer): string {
  assertKey(aesKey);
  const random = random16 ?? pooledRandomBytes(RANDOM_LENGTH);
  if (!Buffer.isBuffer(random) || random.length !== RANDOM_LENGTH) {
    throw new TypeError('encryptMessage: random16 must be 16 bytes');
  }
  // One buffer, written in place: random, msg_len (bytes, not UTF-16 code units), msg, AppId, padding.
  const msgLength = Buffer.byteLength(message, 'utf8');
  const bodyLength = RANDOM_LENGTH + LENGTH_FIELD + msgLength + Buffer.byteLength(appId, 'utf8');
  const pad = WECHAT_PAD_BLOCK - (bodyLength % WECHAT_PAD_BLOCK); // 1..32, a full block when aligned
  const padded = Buffer.allocUnsafe(bodyLength + pad); // every byte is written below
  random.copy(padded, 0);
  padded.writeUInt32BE(msgLength, RANDOM_LENGTH);
  padded.write(message, RANDOM_LENGTH + LENGTH_FIELD, 'utf8');
  padded.write(appId, RANDOM_LENGTH + LENGTH_FIELD + msgLength, 'utf8');
  padded.fill(pad, bodyLength);

  return wholeBlocks(createCipheriv('aes-256-cbc', aesKey, aesKey.subarray(0, 16)), padded).toString('base64');
}

/**
 * Runs a cipher over input that is already whole blocks (WeChat's padding is ours to write and check).
 * `final()` gives nothing then, but is still called for OpenSSL's own checks; no concatenation for it.
 */
function wholeBlocks(cipher: Cipher | Decipher, input: Buffer): Buffer {
  cipher.setAutoPadding(false);
  const head = cipher.update(input);
  const tail = cipher.final();
  return tail.length === 0 ? head : Buffer.concat([head, tail]);
}
