import { z } from 'zod';

/**
 * Events as a table: one declarative entry per event (`defineEvent`), and `eventTable` deriving
 * from the entries everything else: the names, the reply family, the de-duplication key, the one
 * parser of an event in any of its forms, and handlers registered per event name. Adding an event
 * is adding an entry (see `events.ts` for the spec's events).
 */

/**
 * How the callback answers the push (CONTRACT.md "Routes of the BFF"): `<xml>ok</xml>` (the gift
 * card family, else WeChat retries up to 30 times), the `scanproduct` reply of spec 000, or `success`.
 */
export type EventAck = 'card' | 'success' | 'scanproduct';

// Field kinds. A value comes in one of two forms: the text of an XML push (`1447848568`, `true`,
// `1`) or the JSON value the callback stored after parsing it (1447848568, true). Both read to the
// same typed value, so a stored event is read as it is, never written back to strings first.

/** What the generated documentation says a field kind is (JSON type of the stored value). */
const kindDocs = new WeakMap<z.core.$ZodType, string>();
function kind<T extends z.ZodType>(schema: T, doc: string): T {
  kindDocs.set(schema, doc);
  return schema;
}

const DIGITS = /^(0|[1-9][0-9]*)$/;

/** An unsigned integer: plain digits in XML (no sign, space, exponent or leading zero), a number in JSON. */
const uint = kind(
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    if (typeof v === 'string' && !DIGITS.test(v)) {
      ctx.addIssue({ code: 'custom', message: 'expected an unsigned integer' });
      return z.NEVER;
    }
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0) {
      ctx.addIssue({ code: 'custom', message: typeof v === 'string' ? 'integer too large' : 'expected an unsigned integer' });
      return z.NEVER;
    }
    return n;
  }),
  'integer',
);

/** A flag as WeChat writes it: `true`/`false` (002 §10.2, 000) or `1`/`0` (002 §10.4, 003 §1.2); a boolean in JSON. */
const flag = kind(
  z.union([z.enum(['true', 'false', '1', '0']), z.boolean(), z.literal([0, 1])]).transform((v) => v === true || v === 'true' || v === '1' || v === 1),
  'boolean',
);

/** The field kinds an entry's fields are made of (WeChat's ids stay strings, so `00123` keeps its zeros). */
export const eventField = {
  uint,
  flag,
  /** A flag the samples always carry; absent reads as false (every such flag documents "true is …"). */
  flagOrFalse: flag.default(false),
  /** A string field the samples show, possibly empty (`<![CDATA[]]>`); absent reads as empty. */
  text: kind(z.string(), 'string, may be empty').default(''),
  /** An id: a non-empty string, never a number. */
  id: kind(z.string().min(1), 'string, not empty'),
};

/** The header of every push. */
export const eventHeader = {
  ToUserName: z.string(),
  FromUserName: z.string(),
  CreateTime: uint,
  MsgType: z.literal('event'),
};
export type EventHeaderKey = keyof typeof eventHeader | 'Event';

/** Objects are loose: a field WeChat adds later is kept as it came, never dropped. */
function eventSchema<N extends string, S extends z.ZodRawShape>(name: N, fields: S) {
  return z.looseObject({ ...eventHeader, Event: z.literal(name), ...fields });
}
export type EventSchema<N extends string = string, S extends z.ZodRawShape = z.ZodRawShape> = ReturnType<typeof eventSchema<N, S>>;

/** One entry of the table. */
export interface EventDef<N extends string = string, S extends z.ZodRawShape = z.ZodRawShape> {
  readonly name: N;
  /** The spec section, e.g. `002 §10.1`. */
  readonly spec: string;
  /** One sentence: what happened, and who FromUserName is. */
  readonly summary: string;
  readonly ack: EventAck;
  /** The event's own fields, beyond the header. */
  readonly fields: S;
  /** What a field means, where its name does not say (for the documentation). */
  readonly notes: { readonly [K in keyof S]?: string };
  /** The whole push: header, `Event`, fields (and a cross-field check, if any). */
  readonly schema: EventSchema<N, S>;
  /**
   * The event's own ids, for de-duplication: stored under `FromUserName + CreateTime + Event +
   * parts`. Flags that make a second, different push about the same id are part of the key.
   */
  dedup(event: z.output<EventSchema<N, S>>): readonly string[];
}

/** An entry, written as data; `check` is a rule across fields. */
export function defineEvent<const N extends string, S extends z.ZodRawShape>(def: {
  name: N;
  spec: string;
  summary: string;
  ack: EventAck;
  fields: S;
  notes?: { [K in keyof S]?: string };
  check?: { test: (event: z.output<EventSchema<N, S>>) => boolean; message: string; path: string[] };
  dedup: (event: z.output<EventSchema<N, S>>) => readonly string[];
}): EventDef<N, S> {
  const base = eventSchema(def.name, def.fields);
  const check = def.check;
  const schema = check ? base.refine((e) => check.test(e), { message: check.message, path: check.path }) : base;
  return { name: def.name, spec: def.spec, summary: def.summary, ack: def.ack, fields: def.fields, notes: def.notes ?? {}, schema, dedup: def.dedup };
}

export type EventTableDefs = readonly EventDef[];
/** The typed event (every value read: numbers, booleans) of a table. */
export type TableEvent<T extends EventTableDefs> = z.output<T[number]['schema']>;
export type TableEventName<T extends EventTableDefs> = T[number]['name'];
/** An event as it may be written on the wire or stored: each value in its XML text or its typed form. */
export type TableWireEvent<T extends EventTableDefs> = z.input<T[number]['schema']>;

/** Keys of a type without its index signature (a loose event's `[k: string]: unknown`). */
type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };
/** An event's own fields as an emitter writes them: exactly the table's, no header, nothing else. */
export type WireFields<E> = E extends unknown ? Pick<E, Exclude<KnownKeys<E>, EventHeaderKey>> : never;

export type EventParseResult<E> =
  | { ok: true; event: E }
  | {
      ok: false;
      error: {
        /**
         * `unknown_event`: not an event of the table (store it anyway, answer `success`).
         * `invalid`: a known event with bad fields. `malformed`: not a JSON object.
         */
        kind: 'unknown_event' | 'invalid' | 'malformed';
        message: string;
      };
      /** The fields as read, when they were an object (to pass on as they came). */
      fields?: Readonly<Record<string, unknown>>;
    };

/**
 * Handlers registered per event name, as octokit/webhooks' `on('issues.opened', …)`: each typed
 * with its own event; `handle` runs the one registered for the event's name, if any.
 */
export class EventHandlers<E extends { Event: string }, R = void> {
  private readonly handlers = new Map<string, (event: E) => R>();

  constructor(private readonly known: ReadonlySet<string>) {}

  on<N extends E['Event']>(names: N | readonly N[], handler: (event: Extract<E, { Event: N }>) => R): this {
    for (const name of typeof names === 'string' ? [names] : (names as readonly N[])) {
      if (!this.known.has(name)) throw new Error(`no event ${name} in the table`);
      if (this.handlers.has(name)) throw new Error(`a handler for ${name} is registered already`);
      this.handlers.set(name, handler as (event: E) => R);
    }
    return this;
  }

  has(name: string): boolean {
    return this.handlers.has(name);
  }

  /** The names with a handler, in the order they were registered. */
  names(): string[] {
    return [...this.handlers.keys()];
  }

  handle(event: E): R | undefined {
    return this.handlers.get(event.Event)?.(event);
  }
}

/** What a table derives from its entries. */
export class EventTable<const T extends EventTableDefs> {
  /** Every name, in table order. */
  readonly names: readonly TableEventName<T>[];
  /** The push as one schema, by `Event`. */
  readonly schema: z.ZodDiscriminatedUnion<T[number]['schema'][], 'Event'>;
  private readonly byName: ReadonlyMap<string, T[number]>;

  constructor(readonly defs: T) {
    this.byName = new Map(defs.map((d) => [d.name, d]));
    if (this.byName.size !== defs.length) throw new Error('an event name is in the table twice');
    this.names = defs.map((d) => d.name);
    this.schema = z.discriminatedUnion('Event', defs.map((d) => d.schema) as never) as unknown as this['schema'];
  }

  def<N extends TableEventName<T>>(name: N): Extract<T[number], { name: N }> {
    return this.byName.get(name) as Extract<T[number], { name: N }>;
  }

  /** Names whose push is answered `ack`, in table order. */
  namesWithAck<A extends EventAck>(ack: A): Extract<T[number], { ack: A }>['name'][] {
    return this.defs.filter((d) => d.ack === ack).map((d) => d.name);
  }

  /** How a push is answered, by its Event name; undefined for a name not in the table. */
  ackOf(name: string | undefined): EventAck | undefined {
    return name === undefined ? undefined : this.byName.get(name)?.ack;
  }

  dedupKeyParts(event: TableEvent<T>): string[] {
    return [...this.byName.get((event as { Event: string }).Event)!.dedup(event as never)];
  }

  /**
   * The one reader of an event, in any of its forms: the fields of an XML push (element → text),
   * or a stored entry's payload (its JSON text, or that object), values typed or still text.
   */
  parse(input: string | Readonly<Record<string, unknown>>): EventParseResult<TableEvent<T>> {
    let fields: unknown = input;
    if (typeof input === 'string') {
      try {
        fields = JSON.parse(input);
      } catch (e) {
        return { ok: false, error: { kind: 'malformed', message: `payload is not JSON: ${(e as Error).message}` } };
      }
    }
    if (!fields || typeof fields !== 'object' || Array.isArray(fields)) {
      return { ok: false, error: { kind: 'malformed', message: 'payload is not a JSON object' } };
    }
    const f = fields as Readonly<Record<string, unknown>>;
    const name = Object.hasOwn(f, 'Event') ? f.Event : undefined;
    const msgType = Object.hasOwn(f, 'MsgType') ? f.MsgType : undefined;
    const def = typeof name === 'string' ? this.byName.get(name) : undefined;
    if (msgType !== 'event' || !def) {
      return {
        ok: false,
        error: { kind: 'unknown_event', message: `not an event of the spec: MsgType=${String(msgType ?? '(none)')} Event=${String(name ?? '(none)')}` },
        fields: f,
      };
    }
    const parsed = def.schema.safeParse(f); // zod builds a new object: the fields are not changed
    if (parsed.success) return { ok: true, event: parsed.data as TableEvent<T> };
    const message = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(push)'}: ${i.message}`).join('; ');
    return { ok: false, error: { kind: 'invalid', message: `${def.name}: ${message}` }, fields: f };
  }

  /** A new registry of handlers, per event name of this table, each returning `R`. */
  handlers<R = void>(): EventHandlers<Extract<TableEvent<T>, { Event: string }>, R> {
    return new EventHandlers(new Set(this.names));
  }

  /** Builds an event from its header and its own fields, as the table allows them (the sandbox's emitter). */
  wireEvent<N extends TableEventName<T>>(
    name: N,
    head: { ToUserName: string; FromUserName: string; CreateTime: number },
    fields: WireFields<Extract<TableWireEvent<T>, { Event: N }>>,
  ): Extract<TableWireEvent<T>, { Event: N }> {
    return { ...head, MsgType: 'event', Event: name, ...fields } as unknown as Extract<TableWireEvent<T>, { Event: N }>;
  }
}

export function eventTable<const T extends EventTableDefs>(defs: T): EventTable<T> {
  return new EventTable(defs);
}

/** What the documentation says of a field's schema: its kind, and whether it may be absent. */
export function describeField(schema: z.core.$ZodType): { type: string; optional: boolean; default?: unknown } {
  let s = schema;
  let optional = false;
  let dflt: unknown;
  for (;;) {
    if (s instanceof z.ZodOptional) {
      optional = true;
      s = s.unwrap();
    } else if (s instanceof z.ZodDefault) {
      optional = true;
      dflt = s.def.defaultValue;
      s = s.unwrap();
    } else break;
  }
  const type =
    kindDocs.get(s) ??
    (s instanceof z.ZodEnum
      ? `one of ${s.options.map((o) => `\`${String(o)}\``).join(', ')}`
      : s instanceof z.ZodLiteral
        ? `\`${String(s.value)}\``
        : 'string');
  return { type, optional, ...(dflt !== undefined && { default: dflt }) };
}
