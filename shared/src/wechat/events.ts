import { z } from 'zod';

/**
 * Every event push of the four spec files, with WeChat's own field names. A push arrives as XML,
 * so every value is a string here: integers go through a strict digits→number transform, flags
 * through the forms WeChat documents (`true`/`false`, `1`/`0`), and ids (order ids, codes, openids,
 * card ids, product codes) stay strings, so `00123` keeps its zeros. Objects are loose: a field
 * WeChat adds later is kept as the string it was, never dropped.
 */

/** An unsigned integer written as plain digits (no sign, space, exponent or leading zero). */
const xmlInt = z
  .string()
  .regex(/^(0|[1-9][0-9]*)$/, 'expected an unsigned integer')
  .transform(Number)
  .refine(Number.isSafeInteger, 'integer too large');

/** A flag as WeChat writes it: `true`/`false` (002 §10.2, 000) or `1`/`0` (002 §10.4, 003 §1.2). */
const xmlBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
/** A flag the samples always carry; absent reads as false (every such flag documents "true is …"). */
const xmlFlag = xmlBool.default(false);
/** A string field the samples show, possibly empty (`<![CDATA[]]>`); absent reads as empty. */
const text = z.string().default('');
/** An id: a non-empty string, never a number. */
const id = z.string().min(1);

/** The header of every push. */
const header = {
  ToUserName: z.string(),
  FromUserName: z.string(),
  CreateTime: xmlInt,
  MsgType: z.literal('event'),
};

function event<N extends string, S extends z.ZodRawShape>(name: N, shape: S) {
  return z.looseObject({ ...header, Event: z.literal(name), ...shape });
}

// 002 §10: gift card events. The merchant answers `<xml>ok</xml>`, else WeChat retries (30 times, 24 h).

/** 002 §10.1: the buyer paid. FromUserName is the buyer. */
export const giftcardPayDoneEvent = event('giftcard_pay_done', { PageId: id, OrderId: id });
/** 002 §10.2: the buyer gave the order away; `IsReturnBack` when it came back unclaimed after 24 h. */
export const giftcardSendToFriendEvent = event('giftcard_send_to_friend', {
  PageId: id,
  OrderId: id,
  IsChatRoom: xmlFlag,
  IsReturnBack: xmlFlag,
});
/** 002 §10.3: the recipient (FromUserName) accepted the gift. */
export const giftcardUserAcceptEvent = event('giftcard_user_accept', { PageId: id, OrderId: id, IsChatRoom: xmlFlag });
/**
 * 002 §10.4 "Receive": a card landed in a user's card pack. The spec documents the fields up to
 * OldUserCardCode; OuterStr, IsRestoreMemberCard and UnionId come from WeChat's general card event
 * documentation and are optional here.
 */
export const userGetCardEvent = event('user_get_card', {
  CardId: id,
  UserCardCode: id,
  IsGiveByFriend: xmlFlag,
  FriendUserName: text,
  OldUserCardCode: text,
  OuterStr: z.string().optional(),
  IsRestoreMemberCard: xmlBool.optional(),
  UnionId: z.string().optional(),
});
/** 002 §10.4 "Gift giving": a card was given (IsReturnBack 0) or came back (1). */
export const userGiftingCardEvent = event('user_gifting_card', {
  CardId: id,
  UserCardCode: id,
  IsReturnBack: xmlFlag,
  FriendUserName: text,
  IsChatRoom: xmlFlag,
});
/** 002 §12.2.2.4: the user asked for an invoice; one of SuccOrderId/FailOrderId is set. */
export const userAuthorizeInvoiceEvent = event('user_authorize_invoice', {
  SuccOrderId: text,
  FailOrderId: text,
  AppId: text,
  /** `web` (H5 in WeChat) or `app`; empty in the spec's sample. */
  Source: text,
}).refine((e) => e.SuccOrderId !== '' || e.FailOrderId !== '', {
  message: 'SuccOrderId or FailOrderId must be set',
  path: ['SuccOrderId'],
});

/** 003 §1.2: WeChat reviewed a sub-merchant. `IsPass` 1 approved, 0 rejected with `Reason`. */
export const cardMerchantCheckResultEvent = event('card_merchant_check_result', {
  MerchantId: xmlInt,
  IsPass: xmlBool,
  Reason: text,
});

// 001: events of product homepages (parameter tables; the XML samples were lost from the copy).

/** The product and the code printed on it, as every product-homepage event names them. */
const productCode = { KeyStandard: id, KeyStr: id, ExtInfo: text };

/** 001 §1.1: a user opened a product homepage. */
export const userScanProductEvent = event('user_scan_product', {
  ...productCode,
  Country: text,
  Province: text,
  City: text,
  /** 1 male, 2 female, 0 unknown. */
  Sex: xmlInt.optional(),
  /** 1 scanned the code, 2 from chats, Favorites or Moments. */
  Scene: xmlInt.optional(),
});
/**
 * 001 §1.2: a user followed the Official Account. From a product homepage, EventKey carries the
 * scene (`scanbarcode`/`scanimage`), keystandard, keystr and extinfo (see `parseScanEventKey`);
 * following from anywhere else carries another EventKey or none, and is the same event.
 */
export const subscribeEvent = event('subscribe', { EventKey: text });
/** 001 §1.3: a user entered the Official Account from a product homepage. */
export const userScanProductEnterSessionEvent = event('user_scan_product_enter_session', productCode);
/** 001 §1.4: the user's province, pushed after the homepage opened. */
export const userScanProductAsyncEvent = event('user_scan_product_async', {
  ...productCode,
  /** National Bureau of Statistics region code: a code, kept as a string. */
  RegionCode: text,
});
/** 001 §1.5: WeChat reviewed a product homepage. */
export const userScanProductVerifyActionEvent = event('user_scan_product_verify_action', {
  KeyStandard: id,
  KeyStr: id,
  Result: z.enum(['verify_ok', 'verify_not_pass']),
  ReasonMsg: text,
});
/** 000 "Component Messages": WeChat asks whether the scanned code is genuine; reply `ScanProductReply`. */
export const scanProductCallbackEvent = event('scan_product_callback', {
  ...productCode,
  NeedAntiFake: xmlFlag,
});

export const wechatEvent = z.discriminatedUnion('Event', [
  giftcardPayDoneEvent,
  giftcardSendToFriendEvent,
  giftcardUserAcceptEvent,
  userGetCardEvent,
  userGiftingCardEvent,
  userAuthorizeInvoiceEvent,
  cardMerchantCheckResultEvent,
  userScanProductEvent,
  subscribeEvent,
  userScanProductEnterSessionEvent,
  userScanProductAsyncEvent,
  userScanProductVerifyActionEvent,
  scanProductCallbackEvent,
]);
export type WechatEvent = z.output<typeof wechatEvent>;
export type WechatEventName = WechatEvent['Event'];
export type EventOf<N extends WechatEventName> = Extract<WechatEvent, { Event: N }>;

/**
 * The card events that must be answered `<xml>ok</xml>` (002 §10: else WeChat retries up to 30
 * times in 24 hours); the contract puts the invoice and sub-merchant review events in this family.
 */
export const CARD_EVENT_NAMES = [
  'giftcard_pay_done',
  'giftcard_send_to_friend',
  'giftcard_user_accept',
  'user_get_card',
  'user_gifting_card',
  'user_authorize_invoice',
  'card_merchant_check_result',
] as const satisfies readonly WechatEventName[];

export const WECHAT_EVENT_NAMES = [
  ...CARD_EVENT_NAMES,
  'user_scan_product',
  'subscribe',
  'user_scan_product_enter_session',
  'user_scan_product_async',
  'user_scan_product_verify_action',
  'scan_product_callback',
] as const satisfies readonly WechatEventName[];

export type ParseEventResult =
  | { ok: true; event: WechatEvent }
  | {
      ok: false;
      error: {
        /** `unknown_event`: not an event of the spec (store it anyway, answer `success`). `invalid`: a known event with bad fields. */
        kind: 'unknown_event' | 'invalid';
        message: string;
      };
    };

const KNOWN = new Set<string>(WECHAT_EVENT_NAMES);

/** Reads the fields of a parsed XML push (element name → text) as a typed event. */
export function parseEvent(fields: Readonly<Record<string, string>>): ParseEventResult {
  const name = Object.hasOwn(fields, 'Event') ? fields.Event : undefined;
  const msgType = Object.hasOwn(fields, 'MsgType') ? fields.MsgType : undefined;
  if (msgType !== 'event' || name === undefined || !KNOWN.has(name)) {
    return {
      ok: false,
      error: { kind: 'unknown_event', message: `not an event of the spec: MsgType=${msgType ?? '(none)'} Event=${name ?? '(none)'}` },
    };
  }
  const parsed = wechatEvent.safeParse(fields); // zod builds a new object: the fields are not changed
  if (parsed.success) return { ok: true, event: parsed.data };
  const message = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(push)'}: ${i.message}`).join('; ');
  return { ok: false, error: { kind: 'invalid', message: `${name}: ${message}` } };
}

/**
 * The event's own ids, for de-duplication. WeChat repeats a push unchanged when it retries, and
 * advises de-duplicating by FromUserName + CreateTime (001); two different pushes may still share
 * those (a user gets two cards in one second), and these parts tell them apart. Store under
 * `Event + FromUserName + CreateTime + parts`. Flags that make a second, different push about the
 * same id (a gift that came back, a second review) are part of the key.
 */
export function eventDedupKeyParts(event: WechatEvent): string[] {
  switch (event.Event) {
    case 'giftcard_pay_done':
    case 'giftcard_user_accept':
      return [event.OrderId];
    case 'giftcard_send_to_friend':
      return [event.OrderId, event.IsReturnBack ? 'returned' : 'sent'];
    case 'user_get_card':
      return [event.CardId, event.UserCardCode];
    case 'user_gifting_card':
      return [event.CardId, event.UserCardCode, event.IsReturnBack ? 'returned' : 'sent'];
    case 'user_authorize_invoice':
      return [event.SuccOrderId, event.FailOrderId];
    case 'card_merchant_check_result':
      return [String(event.MerchantId), event.IsPass ? 'pass' : 'reject'];
    case 'subscribe':
      return [event.EventKey];
    case 'user_scan_product_verify_action':
      return [event.KeyStandard, event.KeyStr, event.Result];
    case 'user_scan_product':
    case 'user_scan_product_enter_session':
    case 'user_scan_product_async':
    case 'scan_product_callback':
      return [event.KeyStandard, event.KeyStr, event.ExtInfo];
    default:
      return assertNever(event);
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled event ${JSON.stringify(x)}`);
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
