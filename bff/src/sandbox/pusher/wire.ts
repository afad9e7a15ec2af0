import { WECHAT_EVENTS } from '@giftcard/shared';
import { CryptoError, decryptMessage, encryptMessage } from '../../callback/protocol/aes';
import { callbackSignature, msgSignature, safeEqualHex } from '../../callback/protocol/signature';
import { cdata, parseEncryptedEnvelope } from '../../callback/protocol/xml';
import type { OutgoingEvent } from '../core/outbox';

/**
 * One push on the wire, as WeChat sends it and reads the answer: the event XML, the signed query,
 * the safe-mode envelope, and what counts as acknowledged. Pure functions over the protocol ones.
 */

/** What the push is signed (and, with an AES key, encrypted) with; `appid` is the AES trailer. */
export interface PushSecrets {
  token: string;
  aesKey?: Buffer;
  /** The Service Account's appid (the trailer of every encrypted message). */
  appid: string;
}

/**
 * 002 §10: gift card events are retried until the reply is `<xml>ok</xml>`, up to 30 times;
 * every other push (001 "Event Push") is retried 3 times when no 200 came within the timeout.
 */
export type PushFamily = 'card' | 'ordinary';
/** The table's `ack`: the events answered `<xml>ok</xml>` are the card family. */
export const familyOf = (eventName: string): PushFamily => (WECHAT_EVENTS.ackOf(eventName) === 'card' ? 'card' : 'ordinary');
export const MAX_ATTEMPTS: Readonly<Record<PushFamily, number>> = { card: 30, ordinary: 1 + 3 };

const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The event as WeChat writes it: strings in CDATA, integers and flags bare, blocks nested, in field order. */
export function eventXml(event: OutgoingEvent): string {
  return element('xml', event);
}

function element(name: string, value: unknown): string {
  if (!ELEMENT_NAME.test(name)) throw new TypeError(`bad event element name: ${name}`);
  let inner: string;
  if (typeof value === 'string') inner = cdata(value);
  else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`event number must be an integer: ${name}`);
    inner = String(value);
  } else if (typeof value === 'boolean') inner = String(value);
  else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    inner = Object.entries(value).map(([k, v]) => element(k, v)).join('');
  } else throw new TypeError(`event field ${name} cannot be written as XML`);
  return `<${name}>${inner}</${name}>`;
}

export interface PushRequest {
  /** `signature`, `timestamp`, `nonce`; in safe mode also `encrypt_type=aes` and `msg_signature`. */
  query: URLSearchParams;
  body: string;
}

/**
 * One attempt's request. Plain: the event XML, signed with sha1(sort(token, timestamp, nonce)).
 * Safe mode: `<xml><ToUserName/><Encrypt/></xml>` with `msg_signature` over the Encrypt text too.
 */
export function pushRequest(event: OutgoingEvent, secrets: PushSecrets, timestamp: string, nonce: string): PushRequest {
  const xml = eventXml(event);
  const query = new URLSearchParams({ signature: callbackSignature(secrets.token, timestamp, nonce), timestamp, nonce });
  if (!secrets.aesKey) return { query, body: xml };
  const encrypt = encryptMessage(secrets.aesKey, xml, secrets.appid);
  query.set('encrypt_type', 'aes');
  query.set('msg_signature', msgSignature(secrets.token, timestamp, nonce, encrypt));
  const toUser = typeof event.ToUserName === 'string' ? event.ToUserName : '';
  return { query, body: `<xml><ToUserName>${cdata(toUser)}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt></xml>` };
}

export type ReplyReading = { ok: true; text: string } | { ok: false; error: string };

/**
 * The merchant's answer as text. In safe mode an encrypted reply (`Encrypt`, `MsgSignature`,
 * `TimeStamp`, `Nonce`) is checked and decrypted; anything else is read as it came.
 */
export function readReply(body: string, secrets: PushSecrets): ReplyReading {
  if (!secrets.aesKey) return { ok: true, text: body };
  const envelope = parseEncryptedEnvelope(body);
  if (!envelope.ok) return { ok: true, text: body };
  const { MsgSignature: signature, TimeStamp: timestamp, Nonce: nonce } = envelope.fields;
  if (signature === undefined || timestamp === undefined || nonce === undefined) {
    return { ok: false, error: 'encrypted reply without MsgSignature, TimeStamp and Nonce' };
  }
  if (!safeEqualHex(signature, msgSignature(secrets.token, timestamp, nonce, envelope.encrypt))) {
    return { ok: false, error: 'encrypted reply: MsgSignature does not match' };
  }
  try {
    return { ok: true, text: decryptMessage(secrets.aesKey, envelope.encrypt, secrets.appid) };
  } catch (e) {
    if (e instanceof CryptoError) return { ok: false, error: `encrypted reply does not decrypt: ${e.reason}` };
    throw e;
  }
}

/** `<xml>ok</xml>`, with whitespace around it or inside the element (a pretty-printed reply). */
const CARD_ACK = /^\s*<xml>\s*ok\s*<\/xml>\s*$/;

/**
 * Why an answer does not acknowledge the push, or undefined when it does. Ordinary events: any 200
 * in time, an empty body included (001: "return an empty string … no retry"). Card events: 200 and
 * `<xml>ok</xml>` (002 §10).
 */
export function refusal(family: PushFamily, status: number, reply: string): string | undefined {
  if (status !== 200) return `HTTP ${status}`;
  if (family === 'card' && !CARD_ACK.test(reply)) return 'reply is not <xml>ok</xml>';
  return undefined;
}
