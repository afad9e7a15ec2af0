import { createHash } from 'node:crypto';
import { WECHAT_EVENTS, eventDedupKeyParts, parseEvent, type EventAck, type WechatEvent } from '@giftcard/shared';
import type { InboundPush } from './inbox';

export type PushFamily = EventAck;

export type PushRecord =
  | { ok: true; push: InboundPush; event: WechatEvent | undefined; family: PushFamily }
  | { ok: false; reason: string };

/** How a push is acknowledged, by its Event name: the table's `ack` (`card`, `scanproduct`, `success`). */
function familyOf(name: string | undefined): PushFamily {
  // Card events the table does not know yet still get WeChat's expected `<xml>ok</xml>`.
  return WECHAT_EVENTS.ackOf(name) ?? (name?.startsWith('card_') || name?.startsWith('giftcard_') ? 'card' : 'success');
}

/**
 * What the inbox stores for a push (no I/O): its type, its de-duplication key and its payload.
 * Known events go through their typed schema. A known event whose fields fail it (an enum value or
 * a field type WeChat added since) is still authentic: kept as it came with the reason, for
 * `events:unparsed`. Any other push is kept with its fields as strings, CreateTime as a number.
 * Only a push without the header every message has is refused.
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
    return { ok: true, push: { type: event.Event, id, payload: event }, event, family: familyOf(event.Event) };
  }
  // Not an event of the spec (a text message, a menu click …), or one whose fields fail its schema:
  // stored as it came. Its id covers every field, so two different pushes in the same second are
  // both kept and a retry is not.
  const type = fields.Event || msgType;
  const canonical = JSON.stringify(Object.keys(fields).sort().map((k) => [k, fields[k]]));
  const id = [from, createTime, type, fields.MsgId ?? createHash('sha256').update(canonical).digest('hex')].join('|');
  const push: InboundPush = { type, id, payload: { ...fields, CreateTime: Number(createTime) } };
  if (parsed.error.kind === 'invalid') push.unparsed = parsed.error.message;
  return { ok: true, push, event: undefined, family: familyOf(fields.Event) };
}
