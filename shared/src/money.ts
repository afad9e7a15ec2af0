/**
 * Money is an integer number of fen (1/100 yuan) everywhere: the gift-card spec (002) gives every
 * amount in fen, and only the Scan product API (000, `retail_price: "0.00"`) uses a yuan string.
 * Floats never hold money; conversion to and from yuan is done on digit strings.
 *
 * Runs in the Mini Program too: no Intl (its locale data is not guaranteed there), no Node APIs.
 */

/** An amount in fen: a safe integer. Non-negative unless it is a signed delta (see assertSignedFen). */
export type Fen = number;

/** A non-negative safe integer: a price, a balance, an order total. */
export function isFen(n: unknown): n is Fen {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** Throws RangeError unless `n` is a non-negative safe integer number of fen. */
export function assertFen(n: unknown, what = 'amount'): asserts n is Fen {
  if (!isFen(n)) throw new RangeError(`${what} must be a non-negative safe integer of fen, got ${String(n)}`);
}

/** Throws RangeError unless `n` is a safe integer (may be negative): a balance change, a refund delta. */
export function assertSignedFen(n: unknown, what = 'amount'): asserts n is Fen {
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new RangeError(`${what} must be a safe integer of fen, got ${String(n)}`);
  }
}

export interface FormatFenOptions {
  /** Prefix "¥" (after the minus sign). Default true. */
  symbol?: boolean;
  /** Group the yuan digits in thousands with ",". Default true. */
  grouping?: boolean;
}

/**
 * The one formatter for amounts: 1234 → "¥12.34", 5 → "¥0.05", 100000 → "¥1,000.00",
 * -1234 → "-¥12.34". Accepts signed amounts so deltas display too.
 */
export function formatFen(fen: Fen, opts: FormatFenOptions = {}): string {
  assertSignedFen(fen);
  const negative = fen < 0;
  const abs = negative ? -fen : fen;
  const cents = abs % 100;
  // (abs - cents) is an exact multiple of 100, so the division is exact even near 2^53.
  let yuan = String((abs - cents) / 100);
  if (opts.grouping !== false) yuan = groupThousands(yuan);
  const frac = cents < 10 ? `0${cents}` : String(cents);
  return `${negative ? '-' : ''}${opts.symbol === false ? '' : '¥'}${yuan}.${frac}`;
}

/** Wire form of a non-negative amount as a yuan string, the inverse of yuanToFen: 1234 → "12.34". */
export function fenToYuan(fen: Fen): string {
  assertFen(fen);
  return formatFen(fen, { symbol: false, grouping: false });
}

const YUAN = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Parses a non-negative decimal yuan string exactly: "12.34" → 1234, "0.5" → 50, "7" → 700.
 * The digits are concatenated, never multiplied as floats ("0.29" * 100 is 28.999999999999996).
 * Rejects signs, spaces, separators, exponents, and more than 2 decimals (a fraction of a fen),
 * with RangeError.
 */
export function yuanToFen(yuan: string): Fen {
  const m = typeof yuan === 'string' ? YUAN.exec(yuan) : null;
  if (!m) throw new RangeError(`not a yuan amount with at most 2 decimals: ${JSON.stringify(yuan)}`);
  const frac = m[2] ?? '';
  const fen = Number(`${m[1]}${frac}${frac.length === 2 ? '' : frac.length === 1 ? '0' : '00'}`);
  if (!Number.isSafeInteger(fen)) throw new RangeError(`yuan amount too large: ${yuan}`);
  return fen;
}

function groupThousands(digits: string): string {
  let out = '';
  for (let end = digits.length; end > 0; end -= 3) {
    const start = end - 3 > 0 ? end - 3 : 0;
    out = out === '' ? digits.slice(start, end) : `${digits.slice(start, end)},${out}`;
  }
  return out;
}
