import type { z } from 'zod';
import { HttpError } from './errors';

/** A zod issue as the merchant API shows it: where, what, and zod's code. */
export interface ApiIssue {
  path: string;
  message: string;
  code: string;
}

export function apiIssues(issues: readonly z.core.$ZodIssue[] | undefined): ApiIssue[] {
  return (issues ?? []).map((i) => ({ path: i.path.map(String).join('.'), message: i.message, code: i.code }));
}

/** 400 for input that breaks the spec's limits, before WeChat is called; `issues` name each problem. */
export function invalidRequest(message: string, issues: readonly z.core.$ZodIssue[] | undefined): HttpError {
  return new HttpError(400, 'invalid_request', message, { issues: apiIssues(issues) });
}
