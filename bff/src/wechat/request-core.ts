import type { EndpointDef, MediaFile, RequestOf, ResponseOf } from '@giftcard/shared';
import { SYSTEM_BUSY, TOKEN_INVALID_CODES } from '@giftcard/shared';
import { WechatError } from './error';
import { sleep } from '../util/sleep';

export interface TokenProvider {
  get(): Promise<string>;
  invalidate(token: string): Promise<void>;
}

export interface RequestCoreOptions {
  /** WeChat's origin (or the sandbox's), without a trailing slash. */
  baseUrl: string;
  /** Supplies access tokens for `auth: 'access_token'` endpoints. */
  tokens?: TokenProvider;
  /** Per attempt. WeChat's own push timeout is 5 s; our calls get the same. */
  timeoutMs?: number;
  /** How many times errcode -1 (system busy) is retried. */
  busyRetries?: number;
  /** First backoff after -1; doubles each retry, with jitter. */
  busyBackoffMs?: number;
  /** Told of every finished call (metrics). Receives the path only, never the URL with its token. */
  onCall?: (call: { endpoint: string; ms: number; errcode: number | null }) => void;
}

/**
 * The one place a WeChat call is made: checks the request against its schema, adds the token,
 * times out, retries once on a token WeChat refused and with backoff on "system busy", turns every
 * failure into a WechatError, and checks the response against its schema before returning it.
 * Timeouts are not retried: a refund or a consume may have happened on WeChat's side.
 */
export class WechatRequestCore {
  private readonly timeoutMs: number;
  private readonly busyRetries: number;
  private readonly busyBackoffMs: number;

  constructor(private readonly opts: RequestCoreOptions) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.busyRetries = opts.busyRetries ?? 3;
    this.busyBackoffMs = opts.busyBackoffMs ?? 200;
  }

  async call<E extends EndpointDef>(ep: E, request: RequestOf<E>): Promise<ResponseOf<E>> {
    let parsed: ReturnType<E['request']['safeParse']>;
    let json: string | undefined;
    // Checked and written before anything is sent: a request that cannot be (too deep for the
    // stack, a cycle, a BigInt) is our own invalid request, never a transport failure.
    try {
      parsed = ep.request.safeParse(request) as typeof parsed;
      if (parsed.success && ep.method === 'POST' && ep.body !== 'multipart') json = JSON.stringify(parsed.data);
    } catch (e) {
      throw new WechatError('invalid_request', ep.path, null, `the request cannot be written as JSON: ${(e as Error).message}`);
    }
    if (!parsed.success) {
      throw new WechatError('invalid_request', ep.path, null, parsed.error.issues.map(formatIssue).join('; '), parsed.error.issues);
    }
    let tokenRetried = false;
    for (let busy = 0; ; ) {
      const token = ep.auth === 'access_token' ? await this.requireTokens(ep).get() : undefined;
      const started = Date.now();
      let body: Record<string, unknown>;
      try {
        body = await this.send(ep, parsed.data, json, token);
      } catch (e) {
        this.opts.onCall?.({ endpoint: ep.path, ms: Date.now() - started, errcode: null });
        throw e;
      }
      const errcode = typeof body.errcode === 'number' ? body.errcode : 0;
      this.opts.onCall?.({ endpoint: ep.path, ms: Date.now() - started, errcode });
      if (errcode === 0) return this.checkResponse(ep, body);
      if (token && TOKEN_INVALID_CODES.includes(errcode) && !tokenRetried) {
        tokenRetried = true;
        await this.requireTokens(ep).invalidate(token);
        continue;
      }
      if (errcode === SYSTEM_BUSY && busy < this.busyRetries) {
        await sleep(this.busyBackoffMs * 2 ** busy * (0.5 + Math.random()));
        busy++;
        continue;
      }
      throw new WechatError('api', ep.path, errcode, typeof body.errmsg === 'string' ? body.errmsg : '', undefined, ep.notFound);
    }
  }

  private requireTokens(ep: EndpointDef): TokenProvider {
    if (!this.opts.tokens) throw new WechatError('invalid_request', ep.path, null, 'no access token provider configured');
    return this.opts.tokens;
  }

  private async send(ep: EndpointDef, request: unknown, json: string | undefined, token: string | undefined): Promise<Record<string, unknown>> {
    const query = new URLSearchParams(ep.query);
    if (token) query.set('access_token', token);
    if (ep.method === 'GET') {
      for (const [k, v] of Object.entries(request as Record<string, unknown>)) if (v !== undefined) query.set(k, String(v));
    }
    const qs = query.toString();
    const url = `${this.opts.baseUrl}${ep.path}${qs ? `?${qs}` : ''}`;
    // Our own timer rather than AbortSignal.timeout(): that one stays armed (and keeps its signal) for the
    // whole timeout after the call is done, thousands of them during a bulk export. This one covers the
    // headers and the body, and is cleared as soon as both are in.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    let res: Response;
    let text: string;
    try {
      const multipart = ep.method === 'POST' && ep.body === 'multipart';
      res = await fetch(url, {
        method: ep.method,
        // Form-data sets its own content type (with the boundary).
        headers: ep.method === 'POST' && !multipart ? { 'content-type': 'application/json' } : undefined,
        body: multipart ? formData(request as Record<string, unknown>) : json,
        signal: abort.signal,
      });
      text = await res.text();
    } catch (e) {
      const err = e as Error;
      if (abort.signal.aborted) {
        throw new WechatError('timeout', ep.path, null, `no answer within ${this.timeoutMs} ms`);
      }
      // The cause may carry the URL; report its code only, so the token never reaches a log.
      const code = (err.cause as { code?: string } | undefined)?.code ?? err.name;
      throw new WechatError('transport', ep.path, null, `request failed: ${code}`);
    } finally {
      clearTimeout(timer);
    }
    if (!res.ok) throw new WechatError('transport', ep.path, null, `HTTP ${res.status}`);
    try {
      const body: unknown = JSON.parse(text);
      if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new WechatError('transport', ep.path, null, 'answer is not a JSON object');
  }

  private checkResponse<E extends EndpointDef>(ep: E, body: Record<string, unknown>): ResponseOf<E> {
    const parsed = ep.response.safeParse(body);
    if (!parsed.success) {
      throw new WechatError('invalid_response', ep.path, 0, parsed.error.issues.map(formatIssue).join('; '), parsed.error.issues);
    }
    return parsed.data as ResponseOf<E>;
  }
}

/** Multipart form-data: a file part per `mediaFile` field, the other fields as text. */
function formData(request: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(request)) {
    if (value === undefined) continue;
    if (value && typeof value === 'object' && (value as MediaFile).data instanceof Uint8Array) {
      const file = value as MediaFile;
      form.append(name, new Blob([file.data], { type: file.contentType }), file.filename);
    } else form.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return form;
}

function formatIssue(issue: { path: PropertyKey[]; message: string }): string {
  return `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`;
}
