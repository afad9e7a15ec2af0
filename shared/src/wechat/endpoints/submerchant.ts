import { z } from 'zod';
import { emptyRequest, endpoint, okResponse, unixSeconds, wechatText } from '../endpoint';

/** Third-party sub-merchants: spec 003 §1. */

export const submerchantStatus = z.enum(['CHECKING', 'APPROVED', 'REJECTED', 'EXPIRED']);
export type SubmerchantStatus = z.infer<typeof submerchantStatus>;

const merchantId = z.number().int().nonnegative();
const categoryId = z.number().int().nonnegative();

/**
 * The fields submit and update share, with 003 §1.1/§1.4's limits: String(n) is `.max(n)`;
 * brand_name is String(36) but "12 characters in Chinese characters", the tighter of the two.
 * An overlong field is 45021 (003 §1.8). `end_time` is required by the spec, so the client refuses
 * a request without it; WeChat's 40079 is for a time that is there but not usable (in the past).
 */
const submerchantFields = {
  app_id: z.string().min(1).max(36).optional(),
  brand_name: wechatText(12).min(1),
  logo_url: z.string().min(1).max(128),
  /** media_id of the uploaded letter of authorization. */
  protocol: z.string().min(1).max(36),
  agreement_media_id: z.string().min(1).max(36).optional(),
  operator_media_id: z.string().min(1).max(36).optional(),
  /** Expiry of the letter of authorization, Unix seconds. */
  end_time: unixSeconds,
  primary_category_id: categoryId,
  secondary_category_id: categoryId,
};

/** A sub-merchant as WeChat returns it (003 §1.1, §1.4–§1.6). */
export const submerchantInfo = z.object({
  merchant_id: merchantId,
  app_id: z.string().optional(),
  create_time: unixSeconds,
  update_time: unixSeconds,
  brand_name: z.string(),
  logo_url: z.string(),
  status: submerchantStatus,
  /** "repeat with create_time, and remove the field later" (003 §1.5): optional. */
  begin_time: unixSeconds.optional(),
  end_time: unixSeconds,
  primary_category_id: categoryId,
  secondary_category_id: categoryId,
});
export type SubmerchantInfo = z.infer<typeof submerchantInfo>;

/** The card categories a sub-merchant may be filed under (003 §1.3). */
export const applyCategory = z.object({
  primary_category_id: categoryId,
  category_name: z.string(),
  secondary_category: z.array(
    z.object({
      secondary_category_id: categoryId,
      category_name: z.string(),
      need_qualification_stuffs: z.array(z.string()).default([]),
      can_choose_prepaid_card: z.number().int().optional(),
      can_choose_payment_card: z.number().int().optional(),
    }),
  ),
});
export type ApplyCategory = z.infer<typeof applyCategory>;

const submerchantErrors = [40104, 40079, 45021, 43014] as const;

export const submerchantEndpoints = {
  submit: endpoint({
    path: '/card/submerchant/submit',
    method: 'POST',
    auth: 'access_token',
    request: z.object({ info: z.object(submerchantFields) }),
    response: okResponse({ info: submerchantInfo }),
    errors: [...submerchantErrors],
    spec: '003 §1.1 Create a sub-merchant',
  }),
  update: endpoint({
    path: '/card/submerchant/update',
    method: 'POST',
    auth: 'access_token',
    request: z.object({ info: z.object({ merchant_id: merchantId, ...submerchantFields }) }),
    response: okResponse({ info: submerchantInfo }),
    errors: [...submerchantErrors, 40139, 40140],
    notFound: [40139],
    spec: '003 §1.4 Update the sub-merchant',
  }),
  get: endpoint({
    path: '/card/submerchant/get',
    method: 'POST',
    auth: 'access_token',
    request: z.object({ merchant_id: merchantId }),
    response: okResponse({ info: submerchantInfo }),
    errors: [40139],
    notFound: [40139],
    spec: '003 §1.5 Pull a single sub-merchant',
  }),
  batchGet: endpoint({
    path: '/card/submerchant/batchget',
    method: 'POST',
    auth: 'access_token',
    request: z.object({
      /** Page after this id: pass 0 first, then the previous answer's `next_begin_id`. */
      begin_id: merchantId,
      limit: z.number().int().min(1).max(100),
      status: submerchantStatus.optional(),
    }),
    response: okResponse({
      info_list: z.array(submerchantInfo).default([]),
      /** The id of the last sub-merchant of this page (003 §1.6). */
      next_begin_id: merchantId,
    }),
    errors: [],
    spec: '003 §1.6 Bulk pull sub-merchants',
  }),
  getApplyProtocol: endpoint({
    path: '/card/getapplyprotocol',
    method: 'GET',
    auth: 'access_token',
    request: emptyRequest,
    response: okResponse({ category: z.array(applyCategory) }),
    errors: [],
    spec: '003 §1.3 Card voucher open category query',
  }),
} as const;
