import type { z } from 'zod';
import { HttpError } from './errors';

/** The input through its schema; 400 `invalid_request` naming the first problem otherwise. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    throw new HttpError(400, 'invalid_request', `${where}${issue.message}`);
  }
  return r.data;
}
