import {
  CARD_EVENT_NAMES,
  WECHAT_EVENTS,
  WECHAT_EVENT_DEFS,
  WECHAT_EVENT_NAMES,
  defineEvent,
  eventDocsMarkdown,
  eventField,
  eventTable,
  parseEvent,
  type EventOf,
  type TableEvent,
} from '../src';
import { SAMPLES, TABLE_EVENTS } from './fixtures/event-samples';

/** A hypothetical event, to show that adding one is adding one entry. */
const REFUND_DONE = defineEvent({
  name: 'giftcard_refund_done',
  spec: '002 §10.9 (hypothetical)',
  summary: 'An order was refunded.',
  ack: 'card',
  fields: { OrderId: eventField.id, RefundFee: eventField.uint, IsPartial: eventField.flagOrFalse },
  dedup: (e) => [e.OrderId, String(e.RefundFee)],
});
const defs = [...WECHAT_EVENT_DEFS, REFUND_DONE] as const;
const table = eventTable(defs);
type Extended = TableEvent<typeof defs>;

const head = { ToUserName: 'gh_1', FromUserName: 'o_buyer', CreateTime: '1700000000', MsgType: 'event' };

describe('a table with one more entry derives every list from it', () => {
  it('names, the card family and the reply family', () => {
    expect(table.names).toEqual([...WECHAT_EVENT_NAMES, 'giftcard_refund_done']);
    expect(table.namesWithAck('card')).toEqual([...CARD_EVENT_NAMES, 'giftcard_refund_done']);
    expect(table.namesWithAck('scanproduct')).toEqual(['scan_product_callback']);
    expect(table.ackOf('giftcard_refund_done')).toBe('card');
    expect(table.ackOf('user_scan_product')).toBe('success');
    expect(table.ackOf('text')).toBeUndefined();
    expect(table.schema.options).toHaveLength(WECHAT_EVENT_NAMES.length + 1);
    // The spec's own table is untouched.
    expect(WECHAT_EVENTS.ackOf('giftcard_refund_done')).toBeUndefined();
  });

  it('parses it from XML text and from its stored JSON to one shape, and keys it for de-duplication', () => {
    const r = table.parse({ ...head, Event: 'giftcard_refund_done', OrderId: '00123', RefundFee: '500', IsPartial: '1' });
    expect(r).toEqual({ ok: true, event: { ...head, CreateTime: 1700000000, Event: 'giftcard_refund_done', OrderId: '00123', RefundFee: 500, IsPartial: true } });
    if (!r.ok) throw new Error('unreachable');
    expect(table.parse(JSON.stringify(r.event))).toEqual(r);
    expect(table.dedupKeyParts(r.event)).toEqual(['00123', '500']);
    expect(table.parse({ ...head, Event: 'giftcard_refund_done', OrderId: 'Z1', RefundFee: '-5' })).toMatchObject({ ok: false, error: { kind: 'invalid', message: /giftcard_refund_done: RefundFee/ } });
    expect(parseEvent({ ...head, Event: 'giftcard_refund_done', OrderId: 'Z1', RefundFee: '5' })).toMatchObject({ ok: false, error: { kind: 'unknown_event' } });
  });

  it('registers handlers per event name, typed with that event', () => {
    const seen: string[] = [];
    const handlers = table
      .handlers<string>()
      .on('giftcard_refund_done', (e) => `refund ${e.OrderId} ${e.RefundFee}`)
      .on(['giftcard_pay_done', 'giftcard_user_accept'], (e) => `order ${e.OrderId}`);
    expect(handlers.names()).toEqual(['giftcard_refund_done', 'giftcard_pay_done', 'giftcard_user_accept']);
    expect(handlers.has('giftcard_refund_done')).toBe(true);
    expect(handlers.has('user_get_card')).toBe(false);
    const refund = table.parse({ ...head, Event: 'giftcard_refund_done', OrderId: 'Z1', RefundFee: '5' });
    if (!refund.ok) throw new Error(refund.error.message);
    seen.push(handlers.handle(refund.event)!);
    const paid = table.parse(SAMPLES.giftcard_pay_done);
    if (!paid.ok) throw new Error(paid.error.message);
    seen.push(handlers.handle(paid.event)!);
    expect(seen).toEqual(['refund Z1 5', 'order Z2y2rY74ksZX1ceuGA']);
    expect(handlers.handle({ ...(paid.event as EventOf<'giftcard_pay_done'>), Event: 'subscribe', EventKey: '' } as Extended)).toBeUndefined();
    expect(() => table.handlers().on('giftcard_refund_done', () => undefined).on('giftcard_refund_done', () => undefined)).toThrow(/registered already/);
    expect(() => WECHAT_EVENTS.handlers().on('giftcard_refund_done' as never, () => undefined)).toThrow(/no event giftcard_refund_done/);
  });

  it('builds its wire form for an emitter, and documents it', () => {
    const wire = table.wireEvent('giftcard_refund_done', { ToUserName: 'gh_1', FromUserName: 'o_buyer', CreateTime: 1700000000 }, { OrderId: 'Z1', RefundFee: 5, IsPartial: 0 });
    expect(wire).toEqual({ ToUserName: 'gh_1', FromUserName: 'o_buyer', CreateTime: 1700000000, MsgType: 'event', Event: 'giftcard_refund_done', OrderId: 'Z1', RefundFee: 5, IsPartial: 0 });
    expect(table.parse(wire)).toMatchObject({ ok: true, event: { RefundFee: 5, IsPartial: false } });
    const docs = eventDocsMarkdown(table);
    expect(docs).toContain('| [`giftcard_refund_done`](#giftcard_refund_done) | 002 §10.9 (hypothetical) | `<xml>ok</xml>` | An order was refunded. |');
    expect(docs).toContain('| `RefundFee` | integer |');
  });

  it('refuses a name twice', () => {
    expect(() => eventTable([REFUND_DONE, REFUND_DONE])).toThrow(/twice/);
  });
});

describe('one shape per event', () => {
  it('reads a stored event back to the same value, key for key and byte for byte', () => {
    for (const fields of [...Object.values(SAMPLES), ...Object.values(TABLE_EVENTS)]) {
      const pushed = parseEvent(fields);
      if (!pushed.ok) throw new Error(pushed.error.message);
      const stored = JSON.stringify(pushed.event);
      const read = parseEvent(stored);
      expect(read).toEqual(pushed);
      expect(read.ok && JSON.stringify(read.event)).toBe(stored);
    }
  });

  it('tells a payload that is not a JSON object apart, with the fields of an unknown one kept', () => {
    expect(parseEvent('{')).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    expect(parseEvent('[1]')).toMatchObject({ ok: false, error: { kind: 'malformed', message: /not a JSON object/ } });
    expect(parseEvent('{"MsgType":"text","Content":"hi","CreateTime":1}')).toEqual({
      ok: false,
      error: { kind: 'unknown_event', message: expect.any(String) },
      fields: { MsgType: 'text', Content: 'hi', CreateTime: 1 },
    });
  });

  it('accepts each value typed or as XML text, never a number where a string id belongs', () => {
    const typed = { ...SAMPLES.giftcard_send_to_friend, CreateTime: 1472631550, IsChatRoom: true, IsReturnBack: 1 };
    expect(parseEvent(typed)).toMatchObject({ ok: true, event: { CreateTime: 1472631550, IsChatRoom: true, IsReturnBack: true } });
    expect(parseEvent({ ...typed, OrderId: 123 })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    for (const bad of [-1, 1.5, 2 ** 53]) expect(parseEvent({ ...typed, CreateTime: bad })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(parseEvent({ ...typed, IsChatRoom: 2 })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });
});
