/**
 * The one query-string helper behind every jump protocol (internal; not re-exported).
 *
 * Plain string code on purpose: the WeChat Mini Program JS runtime has no `URL` or
 * `URLSearchParams`, and these functions run there as well as in the BFF.
 *
 * Decoding choice, applied everywhere: values are percent-decoded once (RFC 3986), and "+" stays
 * "+". It is not read as a space (application/x-www-form-urlencoded) because the values WeChat
 * puts in these URLs are base64-ish (`encrypt_code`, `page_id`, `wxticket` may hold "+", "/", "=")
 * and none of them legitimately holds a space; WeChat percent-encodes them ("%2B"), so a bare "+"
 * can only come from a layer that forgot to encode, and then "+" is still the right reading.
 * Our builders encode a space as "%20", never "+", so build → parse round-trips.
 */

/** Parameters as they arrive: a full URL, a bare query string, or a Mini Program options object. */
export type ParamsInput = string | Readonly<Record<string, string | undefined>>;

/** Decoded parameters: a null-prototype record, so a key like "__proto__" is just a key. */
export type Params = Record<string, string>;

/** A `[name, value]` pair to append; an `undefined` value is left out, `''` is sent as `name=`. */
export type Param = readonly [name: string, value: string | undefined];

export interface AppendOptions {
  /**
   * Turn an empty path into "/" ("https://a.b" → "https://a.b/?…"), as WeChat's shelf cell jump
   * does (002 §7.2 note 3, §14.2). The two forms are equivalent (RFC 3986 §6.2.3).
   */
  rootPathIfEmpty?: boolean;
  /** Lowercase the hex of percent escapes, as the shelf-link example does (002 §7.2 note 1). */
  lowerHex?: boolean;
}

/** encodeURIComponent, optionally with lowercase hex ("%3d" instead of "%3D"; same meaning). */
export function encodeComponent(value: string, lowerHex = false): string {
  let out: string;
  try {
    out = encodeURIComponent(value);
  } catch {
    // A lone UTF-16 surrogate cannot be encoded as UTF-8.
    throw new RangeError(`value is not well-formed Unicode: ${JSON.stringify(value)}`);
  }
  return lowerHex ? out.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()) : out;
}

/**
 * Percent-decodes once. A malformed escape (a literal "%" in an already-decoded value, say)
 * leaves the value as it was instead of throwing: decoding is best effort, never a crash.
 */
export function decodeComponent(value: string): string {
  if (value.indexOf('%') < 0) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Splits at the first "#" (fragment) and the first "?" before it (query). Parts exclude the marks. */
export function splitUrl(url: string): { head: string; query: string | undefined; fragment: string | undefined } {
  const hash = url.indexOf('#');
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? undefined : url.slice(hash + 1);
  const q = beforeHash.indexOf('?');
  return {
    head: q < 0 ? beforeHash : beforeHash.slice(0, q),
    query: q < 0 ? undefined : beforeHash.slice(q + 1),
    fragment,
  };
}

/**
 * Parses "a=1&b=2" (no leading "?"). A value runs to the end of its segment, so an unencoded
 * base64 value ("code=ab==") keeps its "=". When a name repeats, the last one wins: WeChat appends
 * its parameters after the merchant's own query, so the last occurrence is WeChat's.
 */
export function parseQuery(query: string): Params {
  const out: Params = Object.create(null) as Params;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    if (name === '') continue;
    out[name] = eq < 0 ? '' : decodeComponent(part.slice(eq + 1));
  }
  return out;
}

const HAS_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;

/**
 * Reads parameters from any ParamsInput. A string is a URL or a path when it holds "?" or a
 * scheme, else a bare query (leading "?" optional, fragment dropped). An object is Mini Program
 * `onShow`/`onLoad` options: each string value is decoded once, because depending on the entry
 * path values arrive encoded or not; decoding once is harmless for the base64/openid values,
 * which contain no "%".
 */
export function readParams(input: ParamsInput): Params {
  if (typeof input === 'string') {
    const hasQuery = input.indexOf('?') >= 0;
    if (!hasQuery && HAS_SCHEME.test(input)) return Object.create(null) as Params;
    const { query } = splitUrl(hasQuery ? input : `?${input}`);
    return parseQuery(query ?? '');
  }
  const out: Params = Object.create(null) as Params;
  for (const name of Object.keys(input)) {
    const value = input[name];
    if (typeof value === 'string') out[name] = decodeComponent(value);
  }
  return out;
}

/** The value of `name`, or undefined when absent or empty (WeChat "empties" parameters, 000). */
export function nonEmpty(params: Params, name: string): string | undefined {
  const v = params[name];
  return v === undefined || v === '' ? undefined : v;
}

const ABSOLUTE_HTTP = /^(https?:\/\/[^/?#]+)(.*)$/i;

/** Whether `url` is an absolute http(s) URL with a host: what a merchant link must be to be opened. */
export function isHttpUrl(url: unknown): url is string {
  return typeof url === 'string' && ABSOLUTE_HTTP.test(url);
}

/** Throws RangeError unless `url` is an absolute http(s) URL with a host. */
export function assertHttpUrl(url: string, what = 'url'): void {
  if (!isHttpUrl(url)) {
    throw new RangeError(`${what} must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
  }
}

/**
 * Appends parameters to a URL: before any "#fragment", after any existing query (joined with "&",
 * or "?" when there is none). Everything already in the URL is kept byte for byte.
 */
export function appendQuery(url: string, params: readonly Param[], opts: AppendOptions = {}): string {
  const { head, query, fragment } = splitUrl(url);
  let base = head;
  if (opts.rootPathIfEmpty) {
    const m = ABSOLUTE_HTTP.exec(head);
    if (m && m[2] === '') base = `${head}/`;
  }
  const added = params
    .filter((p): p is readonly [string, string] => p[1] !== undefined)
    .map(([name, value]) => `${encodeComponent(name, opts.lowerHex)}=${encodeComponent(value, opts.lowerHex)}`)
    .join('&');
  let q = query;
  if (added !== '') {
    q = query === undefined || query === '' ? added : query.endsWith('&') ? query + added : `${query}&${added}`;
  }
  return `${base}${q === undefined ? '' : `?${q}`}${fragment === undefined ? '' : `#${fragment}`}`;
}
