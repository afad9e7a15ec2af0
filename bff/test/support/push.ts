import { randomBytes } from 'node:crypto';
import { decryptMessage, encryptMessage, parseEncodingAesKey } from '../../src/callback/protocol/aes';
import { callbackSignature, msgSignature } from '../../src/callback/protocol/signature';
import { buildReplyXml, parseEncryptedEnvelope } from '../../src/callback/protocol/xml';

export interface PushTarget {
  origin: string;
  token: string;
  /** Set = safe mode (EncodingAESKey and the Service Account appid). */
  aes?: { encodingAesKey: string; appid: string };
}

/** What WeChat sends for `fields`: signed, and encrypted in safe mode. */
export function signedPush(target: PushTarget, fields: Record<string, string>, opts: { timestamp?: string; nonce?: string } = {}) {
  const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? randomBytes(6).toString('hex');
  const xml = buildReplyXml(fields);
  const query = new URLSearchParams({ signature: callbackSignature(target.token, timestamp, nonce), timestamp, nonce });
  if (!target.aes) return { url: `${target.origin}/wechat/callback?${query}`, body: xml };
  const encrypt = encryptMessage(parseEncodingAesKey(target.aes.encodingAesKey), xml, target.aes.appid);
  query.set('encrypt_type', 'aes');
  query.set('msg_signature', msgSignature(target.token, timestamp, nonce, encrypt));
  return { url: `${target.origin}/wechat/callback?${query}`, body: buildReplyXml({ ToUserName: fields.ToUserName ?? '', Encrypt: encrypt }) };
}

export async function post(url: string, body: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  return { status: res.status, body: await res.text() };
}

/** The plain reply inside an encrypted one. */
export function openReply(target: PushTarget, body: string): string {
  const envelope = parseEncryptedEnvelope(body);
  if (!envelope.ok) throw new Error(`not an encrypted reply: ${body}`);
  return decryptMessage(parseEncodingAesKey(target.aes!.encodingAesKey), envelope.encrypt, target.aes!.appid);
}
