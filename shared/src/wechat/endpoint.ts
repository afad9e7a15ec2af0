import { z } from 'zod';

/**
 * One WeChat API endpoint, described as data (after stripe-node's resource tables): the BFF's client
 * binds a typed method to each entry, and the sandbox implements a handler for each entry, so every
 * endpoint the client knows has an emulator by construction.
 */
export interface EndpointDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  /** Path on the WeChat API origin, e.g. `/card/giftcard/order/get`. */
  readonly path: string;
  /** GET endpoints carry the request in the query string; POST endpoints as a JSON body. */
  readonly method: 'GET' | 'POST';
  /**
   * How a POST carries the request: `json` (the default), or `multipart` (form-data: each
   * `mediaFile` field as a file part, as WeChat's media upload takes it).
   */
  readonly body?: 'json' | 'multipart';
  /** Fixed query parameters besides the token, e.g. `{ action: 'set_pay_mch' }`. */
  readonly query?: Readonly<Record<string, string>>;
  /** `access_token`: the token goes in the query. `app`: the call carries app credentials itself. */
  readonly auth: 'access_token' | 'app';
  /** The request, with the spec's limits: the client checks it before WeChat is called. */
  readonly request: Req;
  /** The successful response: checked before any code trusts it. */
  readonly response: Res;
  /** Error codes the spec names for this endpoint, beyond the ones every call can meet. */
  readonly errors: readonly number[];
  /**
   * Which of `errors` mean "no such thing" here (the code, card, shelf, order, ticket named does
   * not exist). WeChat reuses codes (40097 is an unknown id on a read, a wrong state on a change),
   * so only the endpoint can say; the BFF's one not-found predicate reads this.
   */
  readonly notFound?: readonly number[];
  /** Where the spec defines it: `<spec file> §<section>`. */
  readonly spec: string;
}

export type EndpointTable = Readonly<Record<string, EndpointDef>>;

/** Identity function that keeps the literal types of a table entry. */
export function endpoint<Req extends z.ZodType, Res extends z.ZodType>(def: EndpointDef<Req, Res>): EndpointDef<Req, Res> {
  return def;
}

export type RequestOf<E extends EndpointDef> = z.input<E['request']>;
export type ParsedRequestOf<E extends EndpointDef> = z.output<E['request']>;
export type ResponseOf<E extends EndpointDef> = z.output<E['response']>;
/** What the sandbox may answer: the response before its schema fills defaults. */
export type ResponseBodyOf<E extends EndpointDef> = z.input<E['response']>;

/** `errcode`/`errmsg` as WeChat returns them on success (some endpoints omit them). */
export const wechatOk = {
  errcode: z.literal(0).optional(),
  errmsg: z.string().optional(),
};

/** A successful response with the given fields besides errcode/errmsg. */
export function okResponse<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object({ ...wechatOk, ...shape });
}

export const emptyRequest = z.object({});

/** A file part of a multipart request: its name, its media type, its bytes. */
export const mediaFile = z
  .object({
    filename: z.string().min(1).max(255),
    contentType: z.string().min(1),
    data: z.instanceof(Uint8Array).refine((d) => d.byteLength > 0, 'an empty file'),
  })
  .strict();
export type MediaFile = z.infer<typeof mediaFile>;
export const okOnly = okResponse({});

/** A Unix time in seconds (ten digits in WeChat's documents). */
export const unixSeconds = z.number().int().nonnegative();
/** An amount in fen (1/100 yuan), as every WeChat money field is. */
export const fen = z.number().int().nonnegative();

/**
 * A string limited the way WeChat counts: the spec gives limits in Chinese characters
 * ("title ≤ 9 Chinese characters"), and WeChat counts one Chinese character as two
 * English letters/digits, i.e. a limit of N Chinese characters is 2N units where a
 * character outside Latin-1 costs 2 and any other costs 1.
 */
export function wechatText(maxChineseChars: number) {
  return z.string().refine((s) => textUnits(s) <= maxChineseChars * 2, {
    message: `at most ${maxChineseChars} Chinese characters (${maxChineseChars * 2} letters or digits)`,
    params: { wechatLimit: 'too_long' },
  });
}

export function textUnits(s: string): number {
  let units = 0;
  for (const ch of s) units += ch.codePointAt(0)! > 0xff ? 2 : 1;
  return units;
}

/** Bytes of `s` in UTF-8, without TextEncoder (not in every Mini Program runtime). */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}
