import {
  CARD_EVENT_NAMES,
  WECHAT_EVENT_NAMES,
  eventDedupKeyParts,
  parseEvent,
  parseScanEventKey,
  scanProductReply,
  wechatEvent,
  type EventOf,
  type WechatEvent,
} from '../src/wechat/events';
import * as root from '../src';

import { SAMPLES, TABLE_EVENTS, head } from './fixtures/event-samples';

function parsed<N extends WechatEvent['Event']>(fields: Record<string, string>, name: N): EventOf<N> {
  const r = parseEvent(fields);
  if (!r.ok) throw new Error(r.error.message);
  expect(r.event.Event).toBe(name);
  return r.event as EventOf<N>;
}

describe('event pushes: the spec samples', () => {
  it('reads giftcard_pay_done (002 §10.1) with CreateTime as a number and ids as strings', () => {
    expect(parsed(SAMPLES.giftcard_pay_done, 'giftcard_pay_done')).toEqual({
      ToUserName: 'gh_3fcea188bf78',
      FromUserName: 'obLatjgoYejavUtHsWwrX-2GtFJE',
      CreateTime: 1472631550,
      MsgType: 'event',
      Event: 'giftcard_pay_done',
      PageId: 'OQK0R3MaFnCm74Phw5hwFJlz5sn+jy1zzM2amDidDbU=',
      OrderId: 'Z2y2rY74ksZX1ceuGA',
    });
  });

  it('reads the true/false flags of giftcard_send_to_friend and giftcard_user_accept (002 §10.2-3)', () => {
    expect(parsed(SAMPLES.giftcard_send_to_friend, 'giftcard_send_to_friend')).toMatchObject({ IsChatRoom: true, IsReturnBack: true, OrderId: 'Z2y2rY74ksZX1ceuGA' });
    expect(parsed({ ...SAMPLES.giftcard_send_to_friend, IsChatRoom: 'false', IsReturnBack: 'false' }, 'giftcard_send_to_friend')).toMatchObject({ IsChatRoom: false, IsReturnBack: false });
    expect(parsed(SAMPLES.giftcard_user_accept, 'giftcard_user_accept')).toMatchObject({ CreateTime: 1472631800, IsChatRoom: true });
  });

  it('reads the 1/0 flags and empty fields of user_get_card and user_gifting_card (002 §10.4)', () => {
    expect(parsed(SAMPLES.user_get_card, 'user_get_card')).toEqual({
      ...SAMPLES.user_get_card,
      CreateTime: 1472551036,
      IsGiveByFriend: false,
    });
    const gift = parsed({ ...SAMPLES.user_get_card, IsGiveByFriend: '1', FriendUserName: 'obLatjlNerkb62HtSdQUx66C4NTU', OuterStr: 'channel_a', IsRestoreMemberCard: '0', UnionId: 'u1' }, 'user_get_card');
    expect(gift).toMatchObject({ IsGiveByFriend: true, FriendUserName: 'obLatjlNerkb62HtSdQUx66C4NTU', OuterStr: 'channel_a', IsRestoreMemberCard: false, UnionId: 'u1' });
    expect(parsed(SAMPLES.user_gifting_card, 'user_gifting_card')).toMatchObject({ IsReturnBack: false, IsChatRoom: false, UserCardCode: '297466945104' });
  });

  it('reads user_authorize_invoice (002 §12.2.2.4): the order id stays a string', () => {
    const e = parsed(SAMPLES.user_authorize_invoice, 'user_authorize_invoice');
    expect(e).toMatchObject({ SuccOrderId: '1202933957956', FailOrderId: '', AppId: '', Source: '' });
    expect(typeof e.SuccOrderId).toBe('string');
  });

  it('reads card_merchant_check_result (003 §1.2): MerchantId a number, IsPass a boolean', () => {
    expect(parsed(SAMPLES.card_merchant_check_result, 'card_merchant_check_result')).toMatchObject({ CreateTime: 123456789, MerchantId: 0, IsPass: true, Reason: 'reason' });
    expect(parsed({ ...SAMPLES.card_merchant_check_result, MerchantId: '12', IsPass: '0' }, 'card_merchant_check_result')).toMatchObject({ MerchantId: 12, IsPass: false });
  });

  it('reads scan_product_callback (000) and builds its scanproduct reply', () => {
    const push = parsed(SAMPLES.scan_product_callback, 'scan_product_callback');
    expect(push).toMatchObject({ KeyStandard: 'qrcode', KeyStr: 'weixin_antifake', ExtInfo: 'hyhy', NeedAntiFake: true });
    // 000 "Example of the returned XML", field for field.
    expect(scanProductReply(push, 'real', 1447848568)).toEqual({
      ToUserName: 'otAzGjrJVN21mpDF4ZWQiYZwdK0Y',
      FromUserName: 'gh_fbe8a958756e',
      CreateTime: 1447848568,
      MsgType: 'scanproduct',
      ScanProduct: { KeyStandard: 'qrcode', KeyStr: 'weixin_antifake', ExtInfo: 'hyhy', AntiFake: { CodeResult: 'real' } },
    });
  });

  it('reads the product homepage events of 001 from their parameter tables', () => {
    expect(parsed(TABLE_EVENTS.user_scan_product, 'user_scan_product')).toMatchObject({ Sex: 1, Scene: 2, Province: '广东', ExtInfo: 'batch7' });
    const sub = parsed(TABLE_EVENTS.subscribe, 'subscribe');
    expect(parseScanEventKey(sub.EventKey)).toEqual({ scene: 'scanbarcode', keystandard: 'ean13', keystr: '6901481811083', extinfo: 'batch7' });
    expect(parsed(TABLE_EVENTS.user_scan_product_enter_session, 'user_scan_product_enter_session')).toMatchObject({ KeyStr: '6901481811083' });
    // A region code is a code: kept as the string it is.
    expect(parsed(TABLE_EVENTS.user_scan_product_async, 'user_scan_product_async').RegionCode).toBe('440000');
    expect(parsed(TABLE_EVENTS.user_scan_product_verify_action, 'user_scan_product_verify_action')).toMatchObject({ Result: 'verify_not_pass', ReasonMsg: '图片不清晰' });
  });

  it('reads a plain follow (no product EventKey) as subscribe too', () => {
    const sub = parsed({ ...head, Event: 'subscribe' }, 'subscribe');
    expect(sub.EventKey).toBe('');
    expect(parseScanEventKey('qrscene_123')).toBeUndefined();
    expect(parseScanEventKey('')).toBeUndefined();
  });
});

describe('event pushes: strings are converted strictly', () => {
  it.each(['', ' 1472631550', '1472631550 ', '-1472631550', '1.47e9', '1472631550.0', '0x57c6', '01472631550', 'abc', '99999999999999999999'])(
    'rejects CreateTime %j',
    (createTime) => {
      const r = parseEvent({ ...SAMPLES.giftcard_pay_done, CreateTime: createTime });
      expect(r).toMatchObject({ ok: false, error: { kind: 'invalid' } });
      if (!r.ok) expect(r.error.message).toMatch(/giftcard_pay_done: CreateTime/);
    },
  );

  it('rejects a missing CreateTime', () => {
    const { CreateTime: _, ...rest } = SAMPLES.giftcard_pay_done;
    expect(parseEvent(rest)).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });

  it('keeps ids such as 00123 as strings, zeros and all', () => {
    expect(parsed({ ...SAMPLES.user_get_card, UserCardCode: '00123', CardId: '0042' }, 'user_get_card')).toMatchObject({ UserCardCode: '00123', CardId: '0042' });
    expect(parsed({ ...SAMPLES.giftcard_pay_done, OrderId: '00123' }, 'giftcard_pay_done').OrderId).toBe('00123');
    expect(parsed({ ...SAMPLES.user_authorize_invoice, SuccOrderId: '00123' }, 'user_authorize_invoice').SuccOrderId).toBe('00123');
    expect(parsed({ ...TABLE_EVENTS.user_scan_product, KeyStr: '00123' }, 'user_scan_product').KeyStr).toBe('00123');
    expect(parsed({ ...SAMPLES.giftcard_pay_done, FromUserName: '00123' }, 'giftcard_pay_done').FromUserName).toBe('00123');
  });

  it('rejects flags that are not true/false/1/0, and reads an absent one as false', () => {
    for (const bad of ['yes', 'TRUE', '2', ' true']) {
      expect(parseEvent({ ...SAMPLES.giftcard_send_to_friend, IsReturnBack: bad })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    }
    const { IsReturnBack: _, ...noFlag } = SAMPLES.giftcard_send_to_friend;
    expect(parsed(noFlag, 'giftcard_send_to_friend').IsReturnBack).toBe(false);
    // IsPass has no default: a review result without a verdict is not a review result.
    const { IsPass: __, ...noVerdict } = SAMPLES.card_merchant_check_result;
    expect(parseEvent(noVerdict)).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });

  it('rejects a known event without its ids, and an invoice push naming no order', () => {
    const { OrderId: _, ...noOrder } = SAMPLES.giftcard_pay_done;
    const r = parseEvent(noOrder);
    expect(r).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    if (!r.ok) expect(r.error.message).toMatch(/OrderId/);
    expect(parseEvent({ ...SAMPLES.user_authorize_invoice, SuccOrderId: '' })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(parsed({ ...SAMPLES.user_authorize_invoice, SuccOrderId: '', FailOrderId: '1202933957957' }, 'user_authorize_invoice').FailOrderId).toBe('1202933957957');
    expect(parseEvent({ ...TABLE_EVENTS.user_scan_product_verify_action, Result: 'ok' })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });

  it('tells unknown events and non-event messages apart from malformed ones', () => {
    expect(parseEvent({ ...head, Event: 'card_pass_check' })).toMatchObject({ ok: false, error: { kind: 'unknown_event' } });
    expect(parseEvent({ ...head, MsgType: 'text', Content: 'hi' })).toMatchObject({ ok: false, error: { kind: 'unknown_event' } });
    expect(parseEvent({ ...SAMPLES.giftcard_pay_done, MsgType: 'text' })).toMatchObject({ ok: false, error: { kind: 'unknown_event' } });
    expect(parseEvent({})).toMatchObject({ ok: false, error: { kind: 'unknown_event' } });
    // An inherited "Event" is not a field of the push.
    expect(parseEvent(Object.create({ Event: 'giftcard_pay_done', MsgType: 'event' }) as Record<string, string>)).toMatchObject({ ok: false, error: { kind: 'unknown_event' } });
  });

  it('keeps a field WeChat adds later, as the string it was', () => {
    const e = parsed({ ...SAMPLES.giftcard_pay_done, TransId: '4200000001' }, 'giftcard_pay_done');
    expect(e.TransId).toBe('4200000001');
  });
});

describe('event names and de-duplication', () => {
  it('lists every event of the union exactly once, the card family included', () => {
    const inUnion = wechatEvent.options.map((o) => o.shape.Event.value);
    expect([...WECHAT_EVENT_NAMES].sort()).toEqual([...inUnion].sort());
    expect(new Set(WECHAT_EVENT_NAMES).size).toBe(13);
    for (const name of CARD_EVENT_NAMES) expect(WECHAT_EVENT_NAMES).toContain(name);
    expect(CARD_EVENT_NAMES).not.toContain('scan_product_callback');
    // Every spec sample is covered by a name.
    for (const name of [...Object.keys(SAMPLES), ...Object.keys(TABLE_EVENTS)]) expect(WECHAT_EVENT_NAMES).toContain(name);
  });

  it('gives each event its own ids', () => {
    const ev = (f: Record<string, string>) => {
      const r = parseEvent(f);
      if (!r.ok) throw new Error(r.error.message);
      return r.event;
    };
    expect(eventDedupKeyParts(ev(SAMPLES.giftcard_pay_done))).toEqual(['Z2y2rY74ksZX1ceuGA']);
    expect(eventDedupKeyParts(ev(SAMPLES.user_get_card))).toEqual(['pZI8Fjwsy5fVPRBeD78J4RmqVvBc', '226009850808']);
    expect(eventDedupKeyParts(ev(SAMPLES.user_authorize_invoice))).toEqual(['1202933957956', '']);
    expect(eventDedupKeyParts(ev(SAMPLES.card_merchant_check_result))).toEqual(['0', 'pass']);
    expect(eventDedupKeyParts(ev(SAMPLES.scan_product_callback))).toEqual(['qrcode', 'weixin_antifake', 'hyhy']);
    expect(eventDedupKeyParts(ev(TABLE_EVENTS.subscribe))).toEqual(['scanbarcode|ean13|6901481811083|batch7']);
    expect(eventDedupKeyParts(ev(TABLE_EVENTS.user_scan_product_verify_action))).toEqual(['ean13', '6901481811083', 'verify_not_pass']);
  });

  it('separates two different pushes that share FromUserName and CreateTime', () => {
    const key = (f: Record<string, string>) => {
      const r = parseEvent(f);
      if (!r.ok) throw new Error(r.error.message);
      return [r.event.Event, r.event.FromUserName, r.event.CreateTime, ...eventDedupKeyParts(r.event)].join('|');
    };
    // Two cards received in one second.
    expect(key(SAMPLES.user_get_card)).not.toBe(key({ ...SAMPLES.user_get_card, UserCardCode: '226009850809' }));
    // A gift sent, then the same order back unclaimed.
    expect(key({ ...SAMPLES.giftcard_send_to_friend, IsReturnBack: 'false' })).not.toBe(key(SAMPLES.giftcard_send_to_friend));
    // A retry is the same push: the same key.
    expect(key(SAMPLES.giftcard_pay_done)).toBe(key({ ...SAMPLES.giftcard_pay_done }));
  });
});

it('is exported from the package root', () => {
  expect(root.parseEvent).toBe(parseEvent);
  expect(root.WECHAT_EVENT_NAMES).toBe(WECHAT_EVENT_NAMES);
});
