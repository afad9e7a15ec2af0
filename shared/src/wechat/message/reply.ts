/**
 * The merchant's reply to a push, both ends: the callback seals it, WeChat's side (the sandbox's pusher,
 * the tests) opens it. Pure functions: no I/O.
 */
import { pooledRandomBytes } from './random-pool';
import { CryptoError, decryptMessage, encryptMessage } from './aes';
import type { MessageSecrets } from './push';
import { msgSignature, safeEqualHex } from './signature';
import { parseEncryptedEnvelope } from './xml-read';
import { encryptedReplyXml } from './xml-write';

/** Gift card family (002 §10): anything else and WeChat retries up to 30 times. */
export const CARD_ACK = '<xml>ok</xml>';
/** Every other push: WeChat's "received, nothing to say". */
export const PLAIN_ACK = 'success';

/**
 * A reply to an encrypted push is encrypted too (WXBizMsgCrypt EncryptMsg), with the key that opened
 * the push (during a rotation WeChat still reads replies with the key it sealed the push with).
 * `success` is not a message but WeChat's plain acknowledgement, so it is sent as is. `now`: unix seconds.
 */
export function sealReply(reply: string, secrets: MessageSecrets, now: number, key = secrets.aes?.key): string {
  if (!secrets.aes || !key || reply === PLAIN_ACK) return reply;
  const encrypt = encryptMessage(key, reply, secrets.aes.appid);
  const timestamp = String(now);
  const nonce = pooledRandomBytes(8).toString('hex');
  return encryptedReplyXml({ encrypt, msgSignature: msgSignature(secrets.token, timestamp, nonce, encrypt), timestamp, nonce });
}

/** `encrypted`: the reply came sealed (and its MsgSignature and AppId trailer were checked). */
export type OpenedReply = { ok: true; text: string; encrypted: boolean } | { ok: false; error: string };

/**
 * The reply as text. In safe mode an encrypted reply (`Encrypt`, `MsgSignature`, `TimeStamp`, `Nonce`) is
 * checked and decrypted; anything else (`success`, an empty body, a plain reply) is read as it came.
 */
export function openReply(body: string, secrets: MessageSecrets): OpenedReply {
  if (!secrets.aes) return { ok: true, text: body, encrypted: false };
  const envelope = parseEncryptedEnvelope(body);
  if (!envelope.ok) return { ok: true, text: body, encrypted: false };
  const { MsgSignature: signature, TimeStamp: timestamp, Nonce: nonce } = envelope.fields;
  if (signature === undefined || timestamp === undefined || nonce === undefined) {
    return { ok: false, error: 'encrypted reply without MsgSignature, TimeStamp and Nonce' };
  }
  if (!safeEqualHex(signature, msgSignature(secrets.token, timestamp, nonce, envelope.encrypt))) {
    return { ok: false, error: 'encrypted reply: MsgSignature does not match' };
  }
  try {
    return { ok: true, text: decryptMessage(secrets.aes.key, envelope.encrypt, secrets.aes.appid), encrypted: true };
  } catch (e) {
    if (e instanceof CryptoError) return { ok: false, error: `encrypted reply does not decrypt: ${e.reason}` };
    throw e;
  }
}
