import { decryptMessage, CryptoError } from './protocol/aes';
import { callbackSignature, msgSignature, safeEqualHex } from './protocol/signature';
import { parseEncryptedEnvelope, parsePushXml } from './protocol/xml';

export interface CallbackSecrets {
  /** WECHAT_TOKEN: the signature token. */
  token: string;
  /** WECHAT_AES_KEY decoded, and the appid its messages must carry; unset = plain mode only. */
  aes?: { key: Buffer; appid: string };
}

export type OpenedPush =
  | { ok: true; fields: Record<string, string>; encrypted: boolean }
  | { ok: false; status: 400 | 401; reason: string };

type Query = Record<string, string | string[] | undefined>;
const one = (q: Query, k: string) => (typeof q[k] === 'string' ? (q[k] as string) : '');

/**
 * Verifies and opens a POSTed push (no I/O). Safe/compatible mode: `msg_signature` is checked
 * before anything is decrypted, then padding and the AppId trailer. Plain mode: the signature
 * covers only token, timestamp and nonce, so it is refused once an AES key is configured (a
 * captured URL must not let anyone downgrade to unverified bodies).
 */
export function openPush(query: Query, body: string, secrets: CallbackSecrets): OpenedPush {
  const timestamp = one(query, 'timestamp');
  const nonce = one(query, 'nonce');
  if (!timestamp || !nonce) return { ok: false, status: 401, reason: 'missing timestamp or nonce' };
  const encrypted = one(query, 'encrypt_type') === 'aes';
  if (!encrypted) {
    if (secrets.aes) return { ok: false, status: 401, reason: 'plain push refused: safe mode is configured' };
    if (!safeEqualHex(one(query, 'signature'), callbackSignature(secrets.token, timestamp, nonce))) {
      return { ok: false, status: 401, reason: 'bad signature' };
    }
    const parsed = parsePushXml(body);
    return parsed.ok ? { ok: true, fields: parsed.fields, encrypted: false } : { ok: false, status: 400, reason: parsed.reason };
  }
  if (!secrets.aes) return { ok: false, status: 400, reason: 'encrypted push but no WECHAT_AES_KEY is configured' };
  const envelope = parseEncryptedEnvelope(body);
  if (!envelope.ok) return { ok: false, status: 400, reason: envelope.reason };
  if (!safeEqualHex(one(query, 'msg_signature'), msgSignature(secrets.token, timestamp, nonce, envelope.encrypt))) {
    return { ok: false, status: 401, reason: 'bad msg_signature' };
  }
  let plain: string;
  try {
    plain = decryptMessage(secrets.aes.key, envelope.encrypt, secrets.aes.appid);
  } catch (e) {
    if (!(e instanceof CryptoError)) throw e;
    // A valid msg_signature over a body that does not decrypt for us: forged or foreign.
    return { ok: false, status: e.reason === 'appid_mismatch' ? 401 : 400, reason: `cannot decrypt: ${e.reason}` };
  }
  const parsed = parsePushXml(plain);
  return parsed.ok ? { ok: true, fields: parsed.fields, encrypted: true } : { ok: false, status: 400, reason: parsed.reason };
}

/** GET verification: `echostr` back when the signature is right. */
export function verifyEcho(query: Query, token: string): string | undefined {
  const signature = callbackSignature(token, one(query, 'timestamp'), one(query, 'nonce'));
  const echostr = one(query, 'echostr');
  return one(query, 'timestamp') && one(query, 'nonce') && echostr && safeEqualHex(one(query, 'signature'), signature) ? echostr : undefined;
}
