import { z } from 'zod';
import { defineEvent, eventField, eventTable, type EventParseResult, type TableEvent, type TableWireEvent, type WireFields } from './event-table';

/**
 * Every event push of the four spec files, as one table (one entry per event, with WeChat's own
 * field names): everything else about events is derived from it. A push arrives as XML, so every
 * value is a string there: integers go through a strict digits→number transform, flags through the
 * forms WeChat documents (`true`/`false`, `1`/`0`), and ids (order ids, codes, openids, card ids,
 * product codes) stay strings, so `00123` keeps its zeros. The stored event holds the same values
 * typed, and reads back through the same schemas. Objects are loose: a field WeChat adds later is
 * kept as the string it was, never dropped.
 */

const { uint, flag, flagOrFalse, text, id } = eventField;

/** The product and the code printed on it, as every product-homepage event names them. */
const productCode = { KeyStandard: id, KeyStr: id, ExtInfo: text };
const productCodeParts = (e: { KeyStandard: string; KeyStr: string; ExtInfo: string }) => [e.KeyStandard, e.KeyStr, e.ExtInfo];
const sentOrReturned = (returned: boolean) => (returned ? 'returned' : 'sent');

/**
 * The table. 002 §10: gift card events are answered `<xml>ok</xml>`, else WeChat retries (30 times,
 * 24 h); the contract puts the invoice and sub-merchant review events in this family. 001: events
 * of product homepages (parameter tables; the XML samples were lost from the copy).
 */
export const WECHAT_EVENT_DEFS = [
  defineEvent({
    name: 'giftcard_pay_done',
    spec: '002 §10.1',
    summary: 'The buyer paid. FromUserName is the buyer.',
    ack: 'card',
    fields: { PageId: id, OrderId: id },
    dedup: (e) => [e.OrderId],
  }),
  defineEvent({
    name: 'giftcard_send_to_friend',
    spec: '002 §10.2',
    summary: 'The buyer gave the order away; `IsReturnBack` when it came back unclaimed after 24 h.',
    ack: 'card',
    fields: { PageId: id, OrderId: id, IsChatRoom: flagOrFalse, IsReturnBack: flagOrFalse },
    dedup: (e) => [e.OrderId, sentOrReturned(e.IsReturnBack)],
  }),
  defineEvent({
    name: 'giftcard_user_accept',
    spec: '002 §10.3',
    summary: 'The recipient (FromUserName) accepted the gift.',
    ack: 'card',
    fields: { PageId: id, OrderId: id, IsChatRoom: flagOrFalse },
    dedup: (e) => [e.OrderId],
  }),
  defineEvent({
    name: 'user_get_card',
    spec: '002 §10.4',
    // The spec documents the fields up to OldUserCardCode; OuterStr, IsRestoreMemberCard and UnionId
    // come from WeChat's general card event documentation and are optional here.
    summary: '"Receive": a card landed in the card pack of FromUserName.',
    ack: 'card',
    fields: {
      CardId: id,
      UserCardCode: id,
      IsGiveByFriend: flagOrFalse,
      FriendUserName: text,
      OldUserCardCode: text,
      OuterStr: text.unwrap().optional(),
      IsRestoreMemberCard: flag.optional(),
      UnionId: text.unwrap().optional(),
    },
    notes: { FriendUserName: 'the giver, when IsGiveByFriend' },
    dedup: (e) => [e.CardId, e.UserCardCode],
  }),
  defineEvent({
    name: 'user_gifting_card',
    spec: '002 §10.4',
    summary: '"Gift giving": FromUserName gave a card (IsReturnBack false), or it came back (true).',
    ack: 'card',
    fields: { CardId: id, UserCardCode: id, IsReturnBack: flagOrFalse, FriendUserName: text, IsChatRoom: flagOrFalse },
    dedup: (e) => [e.CardId, e.UserCardCode, sentOrReturned(e.IsReturnBack)],
  }),
  defineEvent({
    name: 'user_authorize_invoice',
    spec: '002 §12.2.2.4',
    summary: 'The user asked for an invoice; one of SuccOrderId/FailOrderId is set.',
    ack: 'card',
    fields: { SuccOrderId: text, FailOrderId: text, AppId: text, Source: text },
    notes: { Source: '`web` (H5 in WeChat) or `app`; empty in the spec\'s sample' },
    check: { test: (e) => e.SuccOrderId !== '' || e.FailOrderId !== '', message: 'SuccOrderId or FailOrderId must be set', path: ['SuccOrderId'] },
    dedup: (e) => [e.SuccOrderId, e.FailOrderId],
  }),
  defineEvent({
    name: 'card_merchant_check_result',
    spec: '003 §1.2',
    summary: 'WeChat reviewed a sub-merchant: `IsPass` true approved, false rejected with `Reason`.',
    ack: 'card',
    fields: { MerchantId: uint, IsPass: flag, Reason: text },
    dedup: (e) => [String(e.MerchantId), e.IsPass ? 'pass' : 'reject'],
  }),
  defineEvent({
    name: 'user_scan_product',
    spec: '001 §1.1',
    summary: 'FromUserName opened a product homepage.',
    ack: 'success',
    fields: { ...productCode, Country: text, Province: text, City: text, Sex: uint.optional(), Scene: uint.optional() },
    notes: { Sex: '1 male, 2 female, 0 unknown', Scene: '1 scanned the code, 2 from chats, Favorites or Moments' },
    dedup: productCodeParts,
  }),
  defineEvent({
    name: 'subscribe',
    spec: '001 §1.2',
    // Following from anywhere else carries another EventKey or none, and is the same event.
    summary: 'FromUserName followed the Official Account; from a product homepage, EventKey is `scene|keystandard|keystr|extinfo`.',
    ack: 'success',
    fields: { EventKey: text },
    dedup: (e) => [e.EventKey],
  }),
  defineEvent({
    name: 'user_scan_product_enter_session',
    spec: '001 §1.3',
    summary: 'FromUserName entered the Official Account from a product homepage.',
    ack: 'success',
    fields: productCode,
    dedup: productCodeParts,
  }),
  defineEvent({
    name: 'user_scan_product_async',
    spec: '001 §1.4',
    summary: "The user's province, pushed after the homepage opened.",
    ack: 'success',
    fields: { ...productCode, RegionCode: text },
    notes: { RegionCode: 'National Bureau of Statistics region code: a code, kept as a string' },
    dedup: productCodeParts,
  }),
  defineEvent({
    name: 'user_scan_product_verify_action',
    spec: '001 §1.5',
    summary: 'WeChat reviewed a product homepage.',
    ack: 'success',
    fields: { KeyStandard: id, KeyStr: id, Result: z.enum(['verify_ok', 'verify_not_pass']), ReasonMsg: text },
    dedup: (e) => [e.KeyStandard, e.KeyStr, e.Result],
  }),
  defineEvent({
    name: 'scan_product_callback',
    spec: '000 "Component Messages"',
    summary: 'WeChat asks whether the code FromUserName scanned is genuine; answered with the `scanproduct` reply.',
    ack: 'scanproduct',
    fields: { ...productCode, NeedAntiFake: flagOrFalse },
    dedup: productCodeParts,
  }),
] as const;

/** The spec's events, and what is derived from them. */
export const WECHAT_EVENTS = eventTable(WECHAT_EVENT_DEFS);

export const wechatEvent = WECHAT_EVENTS.schema;
export type WechatEvent = TableEvent<typeof WECHAT_EVENT_DEFS>;
export type WechatEventName = WechatEvent['Event'];
export type EventOf<N extends WechatEventName> = Extract<WechatEvent, { Event: N }>;
/** An event as it is pushed or stored: each value as XML text or typed. */
export type WireEvent = TableWireEvent<typeof WECHAT_EVENT_DEFS>;
export type WireEventOf<N extends WechatEventName> = Extract<WireEvent, { Event: N }>;
/** An event's own fields as an emitter writes them (no header). */
export type WireFieldsOf<N extends WechatEventName> = WireFields<WireEventOf<N>>;

/** The events answered `<xml>ok</xml>` (002 §10: else WeChat retries up to 30 times in 24 hours). */
export const CARD_EVENT_NAMES = WECHAT_EVENTS.namesWithAck('card');
export const WECHAT_EVENT_NAMES = WECHAT_EVENTS.names;

export type ParseEventResult = EventParseResult<WechatEvent>;

/**
 * Reads an event, parsed once, in any of its forms: the fields of an XML push (element name →
 * text), a stored entry's payload (JSON text), or that payload as an object.
 */
export function parseEvent(input: string | Readonly<Record<string, unknown>>): ParseEventResult {
  return WECHAT_EVENTS.parse(input);
}

/**
 * The event's own ids, for de-duplication. WeChat repeats a push unchanged when it retries, and
 * advises de-duplicating by FromUserName + CreateTime (001); two different pushes may still share
 * those (a user gets two cards in one second), and these parts tell them apart.
 */
export function eventDedupKeyParts(event: WechatEvent): string[] {
  return WECHAT_EVENTS.dedupKeyParts(event);
}

/**
 * The product-homepage EventKey of `subscribe` (001 §1.2): scene, keystandard, keystr, extinfo.
 * The sample that showed its layout was lost from our copy; we assume WeChat's
 * `scene|keystandard|keystr|extinfo` (e.g. `scanbarcode|ean13|6901481811083|batch7`). Any other
 * EventKey (a follow from elsewhere, `qrscene_…`) gives undefined.
 */
export function parseScanEventKey(
  eventKey: string,
): { scene: 'scanbarcode' | 'scanimage'; keystandard: string; keystr: string; extinfo: string } | undefined {
  const parts = eventKey.split('|');
  if (parts.length < 3 || parts.length > 4) return undefined;
  const [scene, keystandard, keystr, extinfo = ''] = parts as [string, string, string, string?];
  if ((scene !== 'scanbarcode' && scene !== 'scanimage') || !keystandard || !keystr) return undefined;
  return { scene, keystandard, keystr, extinfo };
}

/** 000 "Example of the returned XML": whether the scanned code is genuine. */
export type AntiFakeCodeResult = 'real' | 'fake' | 'not_active';

/** The merchant's XML reply to `scan_product_callback` (000), as element name → value. */
// A type literal (not an interface) so it fits an index-signature record such as an XML builder's.
export type ScanProductReply = {
  /** The user's openid (the push's FromUserName). */
  ToUserName: string;
  /** The Official Account's original id (the push's ToUserName). */
  FromUserName: string;
  CreateTime: number;
  MsgType: 'scanproduct';
  ScanProduct: {
    KeyStandard: string;
    KeyStr: string;
    ExtInfo: string;
    AntiFake: { CodeResult: AntiFakeCodeResult };
  };
};

/** The reply to a `scan_product_callback`: sender and recipient swapped, the product echoed. */
export function scanProductReply(
  push: EventOf<'scan_product_callback'>,
  codeResult: AntiFakeCodeResult,
  createTime: number,
): ScanProductReply {
  return {
    ToUserName: push.FromUserName,
    FromUserName: push.ToUserName,
    CreateTime: createTime,
    MsgType: 'scanproduct',
    ScanProduct: {
      KeyStandard: push.KeyStandard,
      KeyStr: push.KeyStr,
      ExtInfo: push.ExtInfo,
      AntiFake: { CodeResult: codeResult },
    },
  };
}
