import { createHash } from 'node:crypto';
import { CARD_EVENT_NAMES, eventDedupKeyParts, parseEvent, type WechatEvent } from '@giftcard/shared';
import type { InboundPush } from './inbox';

export type PushRecord =
  | { ok: true; push: InboundPush; event: WechatEvent | undefined; family: 'card' | 'scan_callback' | 'other' }
  | { ok: false; reason: string };

const CARD_EVENTS = new Set<string>(CARD_EVENT_NAMES);

/**
 * What the inbox stores for a push (no I/O): its type, its de-duplication key and its payload.
 * Known events go through their typed schema (a known event with bad fields is malformed); any
 * other push is kept with its fields as strings, CreateTime as a number.
 */
export function toPushRecord(fields: Record<string, string>): PushRecord {
  const from = fields.FromUserName;
  const createTime = fields.CreateTime;
  const msgType = fields.MsgType;
  if (!from || !msgType || !createTime || !/^(0|[1-9]\d{0,15})$/.test(createTime)) {
    return { ok: false, reason: 'FromUserName, MsgType and a numeric CreateTime are required' };
  }
  const parsed = parseEvent(fields);
  if (parsed.ok) {
    const event = parsed.event;
    const id = [from, createTime, event.Event, ...eventDedupKeyParts(event)].join('|');
    const family = CARD_EVENTS.has(event.Event) ? 'card' : event.Event === 'scan_product_callback' ? 'scan_callback' : 'other';
    return { ok: true, push: { type: event.Event, id, payload: event }, event, family };
  }
  if (parsed.error.kind === 'invalid') return { ok: false, reason: parsed.error.message };
  // Not an event of the spec (a text message, a menu click …): stored as it came. Its id covers
  // every field, so two different pushes in the same second are both kept and a retry is not.
  const type = fields.Event || msgType;
  const canonical = JSON.stringify(Object.keys(fields).sort().map((k) => [k, fields[k]]));
  const id = [from, createTime, type, fields.MsgId ?? createHash('sha256').update(canonical).digest('hex')].join('|');
  // Card events the typed union does not know yet still get WeChat's expected `<xml>ok</xml>`.
  const family = fields.Event?.startsWith('card_') || fields.Event?.startsWith('giftcard_') ? 'card' : 'other';
  return { ok: true, push: { type, id, payload: { ...fields, CreateTime: Number(createTime) } }, event: undefined, family };
}
