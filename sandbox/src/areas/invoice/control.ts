import { bizAuthField, userAuthField } from '@giftcard/shared';
import { z } from 'zod';
import type { ControlRoute } from '../../core/control-router';

/**
 * A buyer's actions on the invoice page of a paid order (002 §12.2.2.1 step 3). Confirming
 * publishes `user_authorize_invoice` (§12.2.2.4) with the order in SuccOrderId, or in FailOrderId
 * when `fail` is set (WeChat could not accept the request: nothing is recorded).
 */
export function registerInvoiceControls(post: ControlRoute): void {
  post(
    '/_control/invoice/authorize',
    z.object({
      order_id: z.string().min(1),
      /** Defaults to the order's buyer; another user is refused. */
      openid: z.string().min(1).optional(),
      source: z.enum(['web', 'app']).default('web'),
      /** Personal invoice: exactly one of user_field / biz_field. */
      user_field: userAuthField.optional(),
      /** Company invoice. */
      biz_field: bizAuthField.optional(),
      fail: z.boolean().default(false),
    }),
    (a, w) => {
      const info = { ...(a.user_field ? { user_field: a.user_field } : {}), ...(a.biz_field ? { biz_field: a.biz_field } : {}) };
      const openid = a.fail ? w.invoice.failAuthorization(a.order_id, a.openid) : w.invoice.authorize(a.order_id, a.openid, info, a.source).openid;
      const event = w.emit('user_authorize_invoice', openid, {
        SuccOrderId: a.fail ? '' : a.order_id,
        FailOrderId: a.fail ? a.order_id : '',
        AppId: w.config.serviceAccount.appid,
        Source: a.source,
      });
      return { event };
    },
  );
}
