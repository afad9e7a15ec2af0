import { z } from 'zod';
import type { ControlRoute } from '../../core/control-router';

/**
 * Who sends WeChat's own review pushes. 003 §1.2 says "Sender account (an OpenID)" and its sample
 * shows a placeholder, so the sandbox uses one fixed, recognisable sender.
 */
export const WECHAT_REVIEW_SENDER = 'o_wechat_card_review';

/** WeChat's side of third-party sub-merchants (003 §1): the review, and the platform authorization. */
export function registerSubmerchantControls(post: ControlRoute): void {
  // The verdict on a sub-merchant under review; publishes card_merchant_check_result (003 §1.2).
  post(
    '/_control/submerchants/review',
    z.object({ merchant_id: z.number().int().nonnegative(), pass: z.boolean(), reason: z.string().default('') }),
    (r, w) => {
      const info = w.submerchant.review(r.merchant_id, r.pass);
      const event = w.emit('card_merchant_check_result', WECHAT_REVIEW_SENDER, { MerchantId: r.merchant_id, IsPass: r.pass ? 1 : 0, Reason: r.pass ? '' : r.reason });
      return { info, event };
    },
  );
  // Without the platform authorization, submit and update answer 43014 (003 §1.8). On by default.
  post('/_control/submerchants/platform-authorization', z.object({ authorized: z.boolean() }), ({ authorized }, w) => {
    w.submerchant.platformAuthorized = authorized;
    return { authorized };
  });
}
