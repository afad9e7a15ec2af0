import type { SandboxHandlers } from '../core/handler';
import { authHandlers } from './auth/handlers';
import { codeHandlers } from './code/handlers';
import { giftcardHandlers } from './giftcard/handlers';
import { invoiceHandlers } from './invoice/handlers';
import { mediaHandlers } from './media/handlers';
import { orderHandlers } from './order/handlers';
import { scanHandlers } from './scan/handlers';
import { submerchantHandlers } from './submerchant/handlers';

/** Keyed exactly like `wechatApi`: a missing handler is a compile error. */
export const sandboxHandlers: SandboxHandlers = {
  auth: authHandlers,
  scan: scanHandlers,
  giftcard: giftcardHandlers,
  media: mediaHandlers,
  order: orderHandlers,
  code: codeHandlers,
  invoice: invoiceHandlers,
  submerchant: submerchantHandlers,
};
