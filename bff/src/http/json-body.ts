import type Koa from 'koa';
import getRawBody from 'raw-body';
import { HttpError } from './errors';

/**
 * Deepest nesting of objects and arrays a body may have. Every request of the spec nests a few levels;
 * a deeper body would only overflow the stack of whatever walks it recursively (zod, JSON.stringify).
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The raw request body, read with a byte limit (a Buffer, or text with an encoding). 413
 * `too_large` over the limit, with the connection closed (the rest of the body is not read); 400
 * `bad_request` for a body that cannot be read. Every body the BFF reads goes through here.
 */
export async function readRawBody(ctx: Koa.Context, limit: string): Promise<Buffer>;
export async function readRawBody(ctx: Koa.Context, limit: string, encoding: BufferEncoding): Promise<string>;
export async function readRawBody(ctx: Koa.Context, limit: string, encoding?: BufferEncoding): Promise<Buffer | string> {
  try {
    const length = ctx.get('content-length') || undefined;
    return encoding ? await getRawBody(ctx.req, { limit, length, encoding }) : await getRawBody(ctx.req, { limit, length });
  } catch (e) {
    if ((e as { status?: number }).status === 413) {
      ctx.set('Connection', 'close');
      throw new HttpError(413, 'too_large', `the body is over ${limit}`);
    }
    throw new HttpError(400, 'bad_request', 'the body could not be read');
  }
}

/**
 * The JSON body of an API request (`{}` when empty), read with a byte limit (readRawBody: 413 over
 * it, the connection closed). 400 for a body that cannot be read, is not JSON, nests deeper than
 * MAX_JSON_DEPTH, or is not an object.
 */
export async function readJsonObject(ctx: Koa.Context, limit: string): Promise<Record<string, unknown>> {
  const raw = await readRawBody(ctx, limit, 'utf8');
  if (!raw.trim()) return {};
  if (jsonDepth(raw) > MAX_JSON_DEPTH) throw new HttpError(400, 'too_deep', `the body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'bad_json', 'the body is not JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'invalid_request', 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

/**
 * How deeply the text nests `{` and `[` outside strings, counted in one pass without parsing (so a
 * deep body costs no recursion at all). Not a validator: JSON.parse still judges the text.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}
