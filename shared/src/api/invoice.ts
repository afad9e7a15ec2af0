import { z } from 'zod';

/**
 * A Chinese unified social credit code or older tax number: 15–20 letters or digits, kept upper-case.
 * Typed in lower case or with spaces, it is the same number: normalised, not refused.
 */
export const taxNo = z
  .string()
  .transform((s) => s.replace(/\s+/g, '').toUpperCase())
  .pipe(z.string().regex(/^[0-9A-Z]{15,20}$/, 'a tax number: 15–20 letters or digits'));

/** No lone surrogate (String.prototype.isWellFormed, which older Mini Program runtimes lack). */
function wellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/**
 * Text printed on an invoice: no control characters (C0, DEL, C1), no bidi overrides or isolates
 * (U+202A–U+202E, U+2066–U+2069: they make a title read differently from what it holds) and no lone
 * surrogates (not a character at all).
 */
const printableText = z.string().refine((s) => !/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(s) && wellFormed(s), {
  message: 'only printable characters (no control characters, bidi overrides or broken characters)',
});

/**
 * `POST /api/orders/:orderId/invoice`: the invoice the buyer asks the merchant for. `tax_no` is
 * required for a company invoice (and checked when given for a personal one).
 */
export const invoiceRequestInput = z
  .object({
    type: z.enum(['personal', 'company']),
    title: printableText.trim().min(1).max(100),
    tax_no: taxNo.optional(),
    email: z.email().max(254),
  })
  .strict()
  .refine((r) => r.type !== 'company' || r.tax_no !== undefined, { message: 'tax_no is required for a company invoice', path: ['tax_no'] });
export type InvoiceRequestInput = z.infer<typeof invoiceRequestInput>;

/** The request as stored for the merchant (submitted_at in Unix seconds; openid: the Service Account buyer). */
export interface StoredInvoiceRequest extends InvoiceRequestInput {
  order_id: string;
  openid: string;
  submitted_at: number;
}

/** `GET|POST /api/orders/:orderId/invoice`. */
export interface InvoiceResponse {
  order_id: string;
  /**
   * Whether the order's shelf offers invoicing (page/add `need_receipt`, 002 §7.2, §12.2.2). False: no
   * request can be made (POST answers 409 `invoice_not_offered`); a request made earlier still shows.
   */
  offered: boolean;
  /** WeChat's invoice authorization (getauthdata); null when none was seen. */
  authorization: { state: 'authorized' | 'not_authorized'; invoice_status: string | null; auth_time: number | null } | null;
  /** The user's own invoice request to the merchant, if any. */
  request: Omit<StoredInvoiceRequest, 'openid'> | null;
}
