/**
 * A push on the wire, both ends: WeChat's side seals it (the sandbox's pusher, the bench, the tests) and
 * the merchant's side opens it (the callback). Pure functions: no I/O.
 *
 * - Plain mode: the event XML, the query signed `signature = sha1(sort(token, timestamp, nonce))`.
 * - Safe mode: `<xml><ToUserName/><Encrypt/></xml>`, the query adding `encrypt_type=aes` and
 *   `msg_signature` over the Encrypt text too ("消息加解密说明").
 */
import { CryptoError, decryptMessage, encryptMessage } from './aes';
import { callbackSignature, msgSignature, safeEqualHex } from './signature';
import { parseEncryptedEnvelope, parsePushXml } from './xml-read';
import { writeXml } from './xml-write';

/** What a push and its reply are signed and sealed with, on either side. */
export interface MessageSecrets {
  /** WECHAT_TOKEN: the signature token. */
  token: string;
  /**
   * WECHAT_AES_KEY decoded, and the appid its messages must carry; unset = plain mode only.
   * `previousKey` (WECHAT_AES_KEY_PREVIOUS) also opens pushes while WeChat switches to the new key.
   */
  aes?: { key: Buffer; previousKey?: Buffer; appid: string };
}

export interface SealedPush {
  /** `signature`, `timestamp`, `nonce`; in safe mode also `encrypt_type=aes` and `msg_signature`. */
  query: URLSearchParams;
  body: string;
}

/**
 * One attempt's request for the message `xml`, as WeChat sends it: signed with `timestamp` and `nonce`
 * (fresh for every attempt), and in safe mode sealed in the envelope addressed to `toUserName`.
 */
export function sealPush(xml: string, secrets: MessageSecrets, at: { timestamp: string; nonce: string; toUserName: string }): SealedPush {
  const { timestamp, nonce } = at;
  const query = new URLSearchParams({ signature: callbackSignature(secrets.token, timestamp, nonce), timestamp, nonce });
  if (!secrets.aes) return { query, body: xml };
  const encrypt = encryptMessage(secrets.aes.key, xml, secrets.aes.appid);
  query.set('encrypt_type', 'aes');
  query.set('msg_signature', msgSignature(secrets.token, timestamp, nonce, encrypt));
  return { query, body: writeXml({ ToUserName: at.toUserName, Encrypt: encrypt }) };
}

/** How far a push's query `timestamp` may be from now: WeChat signs every attempt afresh. */
export interface PushFreshness {
  /** Unix seconds. */
  now: number;
  maxAgeS: number;
}

export type OpenedPush =
  /** `key`: the AES key that opened an encrypted push (its reply is sealed with the same). */
  | { ok: true; fields: Record<string, string>; encrypted: false }
  | { ok: true; fields: Record<string, string>; encrypted: true; key: Buffer }
  | { ok: false; status: 400 | 401; reason: string; stale?: true };

type Query = Record<string, string | string[] | undefined>;
const one = (q: Query, k: string) => (typeof q[k] === 'string' ? (q[k] as string) : '');

/**
 * Verifies and opens a POSTed push (no I/O). Safe/compatible mode: `msg_signature` is checked
 * before anything is decrypted, then padding and the AppId trailer. Plain mode: the signature
 * covers only token, timestamp and nonce, so it is refused once an AES key is configured (a
 * captured URL must not let anyone downgrade to unverified bodies).
 */
export function openPush(query: Query, body: string, secrets: MessageSecrets, freshness?: PushFreshness): OpenedPush {
  const timestamp = one(query, 'timestamp');
  const nonce = one(query, 'nonce');
  if (!timestamp || !nonce) return { ok: false, status: 401, reason: 'missing timestamp or nonce' };
  // The replay window (stripe-node's signature `tolerance`): the timestamp is signed, so a captured
  // push cannot be re-dated; inside the window a replay is a duplicate of the de-dup key.
  if (freshness && !(/^\d{1,12}$/.test(timestamp) && Math.abs(freshness.now - Number(timestamp)) <= freshness.maxAgeS)) {
    return { ok: false, status: 401, reason: `timestamp outside ±${freshness.maxAgeS} s of now`, stale: true };
  }
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
  let plain: string | undefined;
  let failure: CryptoError | undefined;
  // The current key first; during a rotation the previous one still opens what WeChat sealed with it.
  const keys = secrets.aes.previousKey ? [secrets.aes.key, secrets.aes.previousKey] : [secrets.aes.key];
  let key = keys[0]!;
  for (const candidate of keys) {
    try {
      plain = decryptMessage(candidate, envelope.encrypt, secrets.aes.appid);
      key = candidate;
      break;
    } catch (e) {
      if (!(e instanceof CryptoError)) throw e;
      failure ??= e;
    }
  }
  if (plain === undefined) {
    // A valid msg_signature over a body that does not decrypt for us: forged or foreign.
    return { ok: false, status: failure!.reason === 'appid_mismatch' ? 401 : 400, reason: `cannot decrypt: ${failure!.reason}` };
  }
  const parsed = parsePushXml(plain);
  return parsed.ok ? { ok: true, fields: parsed.fields, encrypted: true, key } : { ok: false, status: 400, reason: parsed.reason };
}

/** GET verification: `echostr` back when the signature is right. */
export function verifyEcho(query: Query, token: string): string | undefined {
  const signature = callbackSignature(token, one(query, 'timestamp'), one(query, 'nonce'));
  const echostr = one(query, 'echostr');
  return one(query, 'timestamp') && one(query, 'nonce') && echostr && safeEqualHex(one(query, 'signature'), signature) ? echostr : undefined;
}
