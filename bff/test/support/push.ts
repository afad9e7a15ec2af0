import { randomBytes } from 'node:crypto';
import { openReply as openSealedReply, parseEncodingAesKey, sealPush, writeXml, type MessageSecrets } from '@giftcard/shared/wechat/message';

export interface PushTarget {
  origin: string;
  token: string;
  /** Set = safe mode (EncodingAESKey and the Service Account appid). */
  aes?: { encodingAesKey: string; appid: string };
}

const secretsOf = (target: PushTarget): MessageSecrets => ({
  token: target.token,
  ...(target.aes && { aes: { key: parseEncodingAesKey(target.aes.encodingAesKey), appid: target.aes.appid } }),
});

/** What WeChat sends for `fields`: signed, and encrypted in safe mode. */
export function signedPush(target: PushTarget, fields: Record<string, string>, opts: { timestamp?: string; nonce?: string } = {}) {
  const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? randomBytes(6).toString('hex');
  const { query, body } = sealPush(writeXml(fields), secretsOf(target), { timestamp, nonce, toUserName: fields.ToUserName ?? '' });
  return { url: `${target.origin}/wechat/callback?${query}`, body };
}

export async function post(url: string, body: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  return { status: res.status, body: await res.text() };
}

/** The plain reply inside an encrypted one (checked: its MsgSignature and AppId trailer). */
export function openReply(target: PushTarget, body: string): string {
  const reply = openSealedReply(body, secretsOf(target));
  if (!reply.ok) throw new Error(reply.error);
  if (!reply.encrypted) throw new Error(`not an encrypted reply: ${body}`);
  return reply.text;
}
