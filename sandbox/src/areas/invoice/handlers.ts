import type { invoiceEndpoints } from '@giftcard/shared';
import type { AreaHandlers } from '../../core/handler';

/** Spec 002 §12.2.2: the rules live in `InvoiceWorld`. Status strings other than "auth success" were lost from the spec. */
export const invoiceHandlers: AreaHandlers<typeof invoiceEndpoints> = {
  setPayMch: (req, { world }) => {
    world.invoice.payMch = req.paymch_info;
    return {};
  },
  getPayMch: (_req, { world }) => (world.invoice.payMch ? { paymch_info: world.invoice.payMch } : {}),
  setAuthField: (req, { world }) => {
    world.invoice.setAuthField(req.auth_field);
    return {};
  },
  // Nothing set yet: an empty auth_field (the page then shows the titles only, 002 §12.2.2.3 Remarks).
  getAuthField: (_req, { world }) => ({ auth_field: world.invoice.authField ?? {} }),
  getAuthData: (req, { world }) => {
    const auth = world.invoice.authData(req.order_id, req.s_pappid);
    return { invoice_status: 'auth success', auth_time: auth.auth_time, user_auth_info: auth.user_auth_info };
  },
};
