import { appendQuery, assertHttpUrl, nonEmpty, readParams, type ParamsInput } from './query';

/**
 * Scan product landing page parameters (000 "Redirection URL Parameters"): after a user taps the
 * product page's link-type promotion area, WeChat opens the merchant URL with `wxkeystandard`,
 * `wxkeystr`, `wxticket` and `wxextinfo` added. The doc's table says "wxkeystand" while its URL
 * example says "wxkeystandard"; the example is taken as canonical and "wxkeystand" is read as an
 * alias.
 */
export interface ScanRedirect {
  /** Product coding standard, e.g. "ean13", "qrcode". */
  keyStandard: string;
  /** Product coding content, e.g. "6901481811083". */
  keyStr: string;
  /**
   * Proof of the visitor's source, checked with `/scan/scanticket/check` within 20 minutes.
   * undefined is a valid state, not an error: WeChat empties wxticket when a user shares the link,
   * so the page must still render, only without trusting the visitor's identity.
   */
  ticket: string | undefined;
  /** The extinfo given when the product QR code was created. */
  extInfo?: string;
}

/** Builder input: as ScanRedirect, but the ticket may simply be left out (a shared link). */
export type ScanRedirectParams = Omit<ScanRedirect, 'ticket'> & { ticket?: string | undefined };

export type ScanRedirectError = 'missing_keystandard' | 'missing_keystr';

export type ScanRedirectResult = { ok: true; redirect: ScanRedirect } | { ok: false; error: ScanRedirectError };

/** Reads the landing page's URL, query string, or options object. */
export function parseScanRedirect(input: ParamsInput): ScanRedirectResult {
  const params = readParams(input);
  const keyStandard = nonEmpty(params, 'wxkeystandard') ?? nonEmpty(params, 'wxkeystand');
  if (keyStandard === undefined) return { ok: false, error: 'missing_keystandard' };
  const keyStr = nonEmpty(params, 'wxkeystr');
  if (keyStr === undefined) return { ok: false, error: 'missing_keystr' };
  const redirect: ScanRedirect = { keyStandard, keyStr, ticket: nonEmpty(params, 'wxticket') };
  const extInfo = nonEmpty(params, 'wxextinfo');
  if (extInfo !== undefined) redirect.extInfo = extInfo;
  return { ok: true, redirect };
}

/**
 * What WeChat does to the merchant URL, for the sandbox and tests. An undefined (or empty) ticket
 * is sent as an empty "wxticket=", as WeChat does for a shared link; wxextinfo is left out when
 * not given. Nothing is added to an empty path (the doc's example has a path, so it does not say).
 */
export function buildScanRedirect(url: string, params: ScanRedirectParams): string {
  assertHttpUrl(url);
  if (!params.keyStandard) throw new RangeError('keyStandard must be a non-empty string');
  if (!params.keyStr) throw new RangeError('keyStr must be a non-empty string');
  return appendQuery(url, [
    ['wxkeystandard', params.keyStandard],
    ['wxkeystr', params.keyStr],
    ['wxticket', params.ticket ?? ''],
    ['wxextinfo', params.extInfo],
  ]);
}
