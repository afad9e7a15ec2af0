import { z } from 'zod';
import { endpoint, fen, okOnly, okResponse, unixSeconds, utf8Length, wechatText } from '../endpoint';

/** A card's code: decrypt (spec README), query (002 §11.4), balance (§11.2), consume (§11.3). */

/**
 * §11.3/§11.4: "card_id: custom code card voucher required, otherwise not required". When given,
 * WeChat checks the code belongs to it (40056 otherwise).
 */
const codeKey = { code: z.string().min(1).max(64), card_id: z.string().min(1).optional() };

/**
 * §11.2 custom_field_valueN: "limited to 4 characters and 12 bytes" (UTF-8: four Chinese characters).
 * Marked as a WeChat length limit so an over-long value is 45021, as WeChat answers.
 */
const customFieldValue = z.string().refine((s) => [...s].length <= 4 && utf8Length(s) <= 12, {
  message: 'at most 4 characters and 12 bytes',
  params: { wechatLimit: 'too_long' },
});

/** WeChat's card statuses (card docs, "user_card_status"); §11.4's example shows NORMAL. */
export const userCardStatus = z.enum(['NORMAL', 'CONSUMED', 'EXPIRE', 'GIFTING', 'GIFT_TIMEOUT', 'DELETE', 'UNAVAILABLE']);
export type UserCardStatus = z.infer<typeof userCardStatus>;

/** §11.4 response: a code's card, holder, balance, validity and order. Money in fen, times Unix seconds. */
export const codeInfo = okResponse({
  card: z.object({
    card_id: z.string(),
    begin_time: unixSeconds,
    /** Absent for a card valid permanently (DATE_TYPE_PERMANENT). */
    end_time: unixSeconds.optional(),
    /** "Current points (ignore if you don't have points)". */
    bonus: z.number().int().optional(),
    balance: fen,
    code: z.string(),
    /** The number on the card face; the code when not set. */
    card_number: z.string(),
  }),
  /** The card's current holder. */
  openid: z.string(),
  can_consume: z.boolean(),
  user_card_status: userCardStatus,
  order_id: z.string(),
  background_pic_url: z.string().optional(),
});
export type CodeInfo = z.infer<typeof codeInfo>;

/**
 * §11.2 request. `balance` sets the full balance ("the incoming value is displayed directly");
 * `add_balance` (WeChat's member card field, signed, in fen) changes it relative to the current
 * one, so a deduction does not race another; WeChat refuses a result below 0. One of the two at most;
 * likewise `bonus` / `add_bonus`.
 */
export const updateUserBalanceRequest = z
  .object({
    code: z.string().min(1).max(64),
    card_id: z.string().min(1),
    background_pic_url: z.string().min(1).optional(),
    balance: fen.optional(),
    add_balance: z.number().int().optional(),
    /** "The merchant customizes the amount consumption record, no more than 14 Chinese characters." */
    record_balance: wechatText(14).optional(),
    bonus: z.number().int().nonnegative().optional(),
    add_bonus: z.number().int().optional(),
    record_bonus: wechatText(14).optional(),
    custom_field_value1: customFieldValue.optional(),
    custom_field_value2: customFieldValue.optional(),
    custom_field_value3: customFieldValue.optional(),
    can_give_friend: z.boolean().optional(),
  })
  .refine((r) => r.balance === undefined || r.add_balance === undefined, { message: 'balance or add_balance, not both', path: ['add_balance'] })
  .refine((r) => r.bonus === undefined || r.add_bonus === undefined, { message: 'bonus or add_bonus, not both', path: ['add_bonus'] });
export type UpdateUserBalanceRequest = z.input<typeof updateUserBalanceRequest>;

export const codeEndpoints = {
  /** Turns the encrypt_code a card-button jump carries (§14.1) into the real code. */
  decryptCode: endpoint({
    path: '/card/code/decrypt',
    method: 'POST',
    auth: 'access_token',
    request: z.object({ encrypt_code: z.string().min(1).max(512) }),
    response: okResponse({ code: z.string().min(1) }),
    errors: [40056],
    notFound: [40056],
    spec: '002 §14.1 (referenced, not specified; shape in spec README)',
  }),
  getCode: endpoint({
    path: '/card/code/get',
    method: 'POST',
    auth: 'access_token',
    request: z.object({
      ...codeKey,
      /**
       * WeChat's card docs: with true (WeChat's default) a consumed code answers 40099; with false
       * it answers the card with user_card_status CONSUMED.
       */
      check_consume: z.boolean().optional(),
    }),
    response: codeInfo,
    errors: [40056, 40099],
    /** Unknown, not of card_id, or removed by a refund (§12.2.1): WeChat says the same. */
    notFound: [40056],
    spec: '002 §11.4 Query Gift Card Information Interface',
  }),
  updateUserBalance: endpoint({
    path: '/card/generalcard/updateuser',
    method: 'POST',
    auth: 'access_token',
    request: updateUserBalanceRequest,
    response: okResponse({
      result_bonus: z.number().int().optional(),
      /** The balance after the update, in fen. */
      result_balance: fen,
      openid: z.string(),
    }),
    errors: [40056, 40097, 40099, 45021],
    notFound: [40056],
    spec: '002 §11.2 Update the user gift card information interface',
  }),
  consumeCode: endpoint({
    path: '/card/code/consume',
    method: 'POST',
    auth: 'access_token',
    request: z.object(codeKey),
    response: okOnly,
    errors: [40056, 40097, 40099],
    notFound: [40056],
    spec: '002 §11.3 Cancel User Gift Card Interface',
  }),
} as const;
