import { scanProductReply, type AntiFakeCodeResult, type EventOf } from '@giftcard/shared';
import { encryptMessage } from './protocol/aes';
import { msgSignature } from './protocol/signature';
import { buildReplyXml, encryptedReplyXml } from './protocol/xml';
import type { CallbackSecrets } from './open-push';
import { pooledRandomBytes } from '../util/random-pool';

/** Gift card family (002 §10): anything else and WeChat retries up to 30 times. */
export const CARD_ACK = '<xml>ok</xml>';
/** Every other push: WeChat's "received, nothing to say". */
export const PLAIN_ACK = 'success';

/** The `scanproduct` reply of spec 000 with the registry's verdict. */
export function scanProductReplyXml(push: EventOf<'scan_product_callback'>, result: AntiFakeCodeResult, now: number): string {
  return buildReplyXml(scanProductReply(push, result, now));
}

/**
 * A reply to an encrypted push is encrypted too (WXBizMsgCrypt EncryptMsg), with the key that opened
 * the push (during a rotation WeChat still reads replies with the key it sealed the push with).
 * `success` is not a message but WeChat's plain acknowledgement, so it is sent as is.
 */
export function sealReply(reply: string, secrets: CallbackSecrets, now: number, key = secrets.aes?.key): string {
  if (!secrets.aes || !key || reply === PLAIN_ACK) return reply;
  const encrypt = encryptMessage(key, reply, secrets.aes.appid);
  const timestamp = String(now);
  const nonce = pooledRandomBytes(8).toString('hex');
  return encryptedReplyXml({ encrypt, msgSignature: msgSignature(secrets.token, timestamp, nonce, encrypt), timestamp, nonce });
}
