import type Koa from 'koa';
import getRawBody from 'raw-body';
import { HttpError } from './errors';

/**
 * The JSON body of an API request (`{}` when empty), read with a byte limit. Answers in the one error
 * shape: 413 over the limit, 400 for a body that cannot be read, is not JSON, or is not an object.
 */
export async function readJsonObject(ctx: Koa.Context, limit: string): Promise<Record<string, unknown>> {
  let raw: string;
  try {
    raw = await getRawBody(ctx.req, { limit, encoding: 'utf8' });
  } catch (e) {
    if ((e as { status?: number }).status === 413) throw new HttpError(413, 'too_large', `the body is over ${limit}`);
    throw new HttpError(400, 'bad_request', 'the body could not be read');
  }
  if (!raw.trim()) return {};
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'bad_json', 'the body is not JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'invalid_request', 'the body must be a JSON object');
  return body as Record<string, unknown>;
}
