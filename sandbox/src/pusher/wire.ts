import { WECHAT_EVENTS } from '@giftcard/shared';
import { sealPush, writeXml, type MessageSecrets, type SealedPush } from '@giftcard/shared/wechat/message';
import type { OutgoingEvent } from '../core/outbox';

/**
 * One push on the wire as WeChat sends it and reads the answer: the event XML, sealed by the message
 * protocol (@giftcard/shared/wechat/message), and what counts as acknowledged.
 */

/**
 * 002 §10: gift card events are retried until the reply is `<xml>ok</xml>`, up to 30 times;
 * every other push (001 "Event Push") is retried 3 times when no 200 came within the timeout.
 */
export type PushFamily = 'card' | 'ordinary';
/** The table's `ack`: the events answered `<xml>ok</xml>` are the card family. */
export const familyOf = (eventName: string): PushFamily => (WECHAT_EVENTS.ackOf(eventName) === 'card' ? 'card' : 'ordinary');
export const MAX_ATTEMPTS: Readonly<Record<PushFamily, number>> = { card: 30, ordinary: 1 + 3 };

/** The event as WeChat writes it: strings in CDATA, integers and flags bare, blocks nested, in field order. */
export const eventXml = (event: OutgoingEvent): string => writeXml(event);

/** One attempt's request: signed with a fresh timestamp and nonce, sealed in safe mode. */
export function pushRequest(event: OutgoingEvent, secrets: MessageSecrets, timestamp: string, nonce: string): SealedPush {
  const toUserName = typeof event.ToUserName === 'string' ? event.ToUserName : '';
  return sealPush(eventXml(event), secrets, { timestamp, nonce, toUserName });
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
