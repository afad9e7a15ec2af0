import { authEndpoints } from './auth';
import { codeEndpoints } from './code';
import { giftcardEndpoints } from './giftcard';
import { invoiceEndpoints } from './invoice';
import { mediaEndpoints } from './media';
import { orderEndpoints } from './order';
import { scanEndpoints } from './scan';
import { submerchantEndpoints } from './submerchant';

export * from './auth';
export * from './code';
export * from './giftcard';
export * from './invoice';
export * from './media';
export * from './order';
export * from './scan';
export * from './submerchant';

/**
 * Every WeChat endpoint the project calls, by API area. The BFF's client binds one typed method per
 * entry (`client.order.getOrder(...)`); the sandbox must implement a handler per entry.
 */
export const wechatApi = {
  auth: authEndpoints,
  scan: scanEndpoints,
  giftcard: giftcardEndpoints,
  media: mediaEndpoints,
  order: orderEndpoints,
  code: codeEndpoints,
  invoice: invoiceEndpoints,
  submerchant: submerchantEndpoints,
} as const;

export type WechatApi = typeof wechatApi;
export type WechatArea = keyof WechatApi;
