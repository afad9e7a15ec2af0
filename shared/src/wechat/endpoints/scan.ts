import { z } from 'zod';
import { endpoint, okOnly, okResponse } from '../endpoint';

/** "Scan" product homepages: spec 000. */

export const productStatus = z.enum(['on', 'off', 'check', 'reject']);
export type ProductStatus = z.infer<typeof productStatus>;

const productKey = {
  /** Coding standard, e.g. `ean13`, `qrcode`. */
  keystandard: z.string().min(1).max(32),
  /** Coding content, e.g. the barcode digits. */
  keystr: z.string().min(1).max(128),
};

/** Homepage content (spec 000 §1.1 response, §1.3 request). Unknown fields pass through untouched. */
export const brandInfo = z
  .object({
    base_info: z
      .object({
        title: z.string(),
        thumb_url: z.string(),
        brand_tag: z.string(),
        category_id: z.number().int(),
        /** A yuan string such as "0.00" in WeChat's own format; convert with `yuanToFen`. */
        retail_price: z.string(),
        store_mgr_type: z.string(),
        store_vendorid_list: z.array(z.string()),
        color: z.string(),
        status: productStatus,
      })
      .partial()
      .passthrough(),
    detail_info: z
      .object({
        banner_list: z.array(z.object({ link: z.string() })),
        detail_list: z.array(z.object({ title: z.string(), desc: z.string() })),
      })
      .partial()
      .passthrough(),
    action_info: z
      .object({
        action_list: z.array(
          z
            .object({
              type: z.string(),
              name: z.string().optional(),
              link: z.string().optional(),
              image: z.string().optional(),
              showtype: z.string().optional(),
              appid: z.string().optional(),
              text: z.string().optional(),
            })
            .passthrough(),
        ),
      })
      .passthrough(),
    module_info: z
      .object({
        module_list: z.array(z.object({ type: z.string(), native_show: z.string().optional() }).passthrough()),
      })
      .passthrough(),
  })
  .partial();
export type BrandInfo = z.infer<typeof brandInfo>;

/**
 * The spec's "Clearing Code Scanning Record" repeats the URL of "Checking wxticket"
 * (`/scan/scanticket/check`) although its body differs (a known defect, see spec README).
 * We keep the two operations apart everywhere and send clear-record calls to this one path;
 * WeChat (and our sandbox) tell them apart by the body: `ticket` versus keystandard/keystr/extinfo.
 */
export const CLEAR_SCAN_RECORD_PATH = '/scan/scanticket/check';

export const scanEndpoints = {
  getProduct: endpoint({
    path: '/scan/product/get',
    method: 'POST',
    auth: 'access_token',
    request: z.object(productKey),
    response: okResponse({ brand_info: brandInfo }),
    /** The spec names none; WeChat's invalid args, for a read, is the unknown product. */
    errors: [40097],
    notFound: [40097],
    spec: '000 §1.1 Querying Product Information',
  }),
  listProducts: endpoint({
    path: '/scan/product/getlist',
    method: 'POST',
    auth: 'access_token',
    // The spec's example sends offset/limit as strings; we send numbers, as its table describes them.
    // The spec states no upper bound for limit: none is added here.
    request: z.object({
      offset: z.coerce.number().int().nonnegative(),
      limit: z.coerce.number().int().min(1),
      status: z.enum(['on', 'off', 'check', 'reject', 'all']).optional(),
      keystr: z.string().min(1).optional(),
    }),
    response: okResponse({
      total: z.number().int().nonnegative(),
      key_list: z
        .array(
          z.object({
            ...productKey,
            category_id: z.number().int(),
            category_name: z.string().optional(),
            update_time: z.number().int(),
            status: productStatus,
          }),
        )
        .default([]),
    }),
    errors: [],
    spec: '000 §1.2 Querying Product Information in Batch',
  }),
  updateProduct: endpoint({
    path: '/scan/product/update',
    method: 'POST',
    auth: 'access_token',
    request: z.object({ ...productKey, brand_info: brandInfo }),
    response: okResponse({ pid: z.string().optional() }),
    errors: [],
    spec: '000 §1.3 Updating Product Information (not while status is check)',
  }),
  clearProduct: endpoint({
    path: '/scan/product/clear',
    method: 'POST',
    auth: 'access_token',
    request: z.object(productKey),
    response: okOnly,
    errors: [],
    spec: '000 §1.4 Deleting Product Information (not while status is check)',
  }),
  checkTicket: endpoint({
    path: '/scan/scanticket/check',
    method: 'POST',
    auth: 'access_token',
    request: z.object({ ticket: z.string().trim().min(1) }).strict(),
    response: okResponse({
      keystandard: z.string(),
      keystr: z.string(),
      openid: z.string(),
      /** 1: scanned the code; 2: from chats, Favorites or Moments (the example shows a string). */
      scene: z.union([z.string(), z.number()]),
      is_check: z.boolean(),
      is_contact: z.boolean(),
    }),
    /** Unknown or older than 20 minutes: either way no ticket to check (the spec names no code). */
    errors: [40097],
    notFound: [40097],
    spec: '000 §Checking wxticket (valid 20 minutes)',
  }),
  clearScanRecord: endpoint({
    path: CLEAR_SCAN_RECORD_PATH,
    method: 'POST',
    auth: 'access_token',
    request: z.object({ ...productKey, extinfo: z.string().min(1) }).strict(),
    response: okOnly,
    errors: [],
    spec: '000 §1.8 Clearing Code Scanning Record',
  }),
} as const;
