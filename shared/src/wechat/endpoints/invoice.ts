import { z } from 'zod';
import { emptyRequest, endpoint, okOnly, okResponse, unixSeconds, wechatText } from '../endpoint';

/** Invoicing after payment: spec 002 §12.2.2. */

const SETBIZATTR = '/card/invoice/setbizattr';

/** `Int`, "0 is no and 1 is yes" (002 §12.2.2.3). */
const flag = z.literal([0, 1]);

/**
 * The invoice platform's id. 002 §12.2.2 names it `s_appid` in prose and in the getauthdata table,
 * but every JSON body of the spec (paymch_info of set/get_pay_mch, the getauthdata example) spells
 * it `s_pappid`: the wire name is `s_pappid`, here and in getauthdata (a known defect, spec README).
 */
const sPappid = z.string().min(1);

export const payMchInfo = z.object({
  /** WeChat Pay merchant number. */
  mchid: z.string().min(1),
  s_pappid: sPappid,
});
export type PayMchInfo = z.infer<typeof payMchInfo>;

/** A merchant-defined field of the authorization page: "Customize field name, up to 5 words" (5 Chinese characters). */
const customFieldDef = z.object({ key: wechatText(5).min(1) });

/** What a user filling a personal invoice is asked for (002 §12.2.2.3). Titles are shown by default. */
export const userFieldConfig = z.object({
  show_title: flag.optional(),
  show_phone: flag.optional(),
  show_email: flag.optional(),
  custom_field: z.array(customFieldDef).optional(),
});

/** What a user filling a company (unit) invoice is asked for (002 §12.2.2.3). */
export const bizFieldConfig = z.object({
  show_title: flag.optional(),
  show_tax_no: flag.optional(),
  show_addr: flag.optional(),
  show_phone: flag.optional(),
  show_bank_type: flag.optional(),
  show_bank_no: flag.optional(),
  custom_field: z.array(customFieldDef).optional(),
});
export type UserFieldConfig = z.infer<typeof userFieldConfig>;
export type BizFieldConfig = z.infer<typeof bizFieldConfig>;

/** A custom field as the user filled it (getauthdata). */
const customFieldValue = z.object({ key: z.string(), value: z.string() });

/** A personal invoice request as the user filled it (002 §12.2.2.5, "The individual raises his head"). */
export const userAuthField = z.object({
  title: z.string(),
  phone: z.string().optional(),
  email: z.string().optional(),
  custom_field: z.array(customFieldValue).optional(),
});
/** A company invoice request as the user filled it (002 §12.2.2.5, "Units rise"). */
export const bizAuthField = z.object({
  title: z.string(),
  tax_no: z.string().optional(),
  addr: z.string().optional(),
  phone: z.string().optional(),
  bank_type: z.string().optional(),
  bank_no: z.string().optional(),
  custom_field: z.array(customFieldValue).optional(),
});
export const userAuthInfo = z.object({ user_field: userAuthField.optional(), biz_field: bizAuthField.optional() });
export type UserAuthInfo = z.infer<typeof userAuthInfo>;

export const invoiceEndpoints = {
  setPayMch: endpoint({
    path: SETBIZATTR,
    query: { action: 'set_pay_mch' },
    method: 'POST',
    auth: 'access_token',
    request: z.object({ paymch_info: payMchInfo }),
    response: okOnly,
    errors: [],
    spec: '002 §12.2.2.2 Set ticketing information after payment',
  }),
  getPayMch: endpoint({
    path: SETBIZATTR,
    query: { action: 'get_pay_mch' },
    method: 'POST',
    auth: 'access_token',
    request: emptyRequest,
    // "paymch_info Object no": absent until set_pay_mch was called.
    response: okResponse({ paymch_info: payMchInfo.optional() }),
    errors: [],
    spec: '002 §12.2.2.2 Check the billing information after payment',
  }),
  setAuthField: endpoint({
    path: SETBIZATTR,
    query: { action: 'set_auth_field' },
    method: 'POST',
    auth: 'access_token',
    request: z.object({ auth_field: z.object({ user_field: userFieldConfig, biz_field: bizFieldConfig }) }),
    response: okOnly,
    errors: [],
    spec: '002 §12.2.2.3 Set up an authorization page field information',
  }),
  getAuthField: endpoint({
    path: SETBIZATTR,
    query: { action: 'get_auth_field' },
    method: 'POST',
    auth: 'access_token',
    request: emptyRequest,
    response: okResponse({
      auth_field: z.object({ user_field: userFieldConfig.optional(), biz_field: bizFieldConfig.optional() }),
    }),
    errors: [],
    spec: '002 §12.2.2.3 Query authorization page field information',
  }),
  getAuthData: endpoint({
    path: '/card/invoice/getauthdata',
    method: 'POST',
    auth: 'access_token',
    request: z.object({ order_id: z.string().min(1), s_pappid: sPappid }),
    response: okResponse({
      /** "auth success" in the spec's examples; the note listing the others was lost, so any string. */
      invoice_status: z.string(),
      /** Ten-digit Unix seconds (UTC+8 wall time per the spec). */
      auth_time: unixSeconds,
      user_auth_info: userAuthInfo.optional(),
    }),
    errors: [40097],
    /** No authorization (or no order) for this order_id: the user has not asked for an invoice. */
    notFound: [40097],
    spec: '002 §12.2.2.5 Request ticketing information',
  }),
} as const;
