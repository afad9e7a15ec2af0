import { wechatApi, type EndpointTable, type RequestOf, type ResponseOf, type WechatApi } from '@giftcard/shared';
import type { WechatRequestCore } from './request-core';

/** One typed method per table entry: `(request) => Promise<response>`. */
export type AreaClient<T extends EndpointTable> = {
  [K in keyof T]: (request: RequestOf<T[K]>) => Promise<ResponseOf<T[K]>>;
};

export type WechatClient = { [A in keyof WechatApi]: AreaClient<WechatApi[A]> };

function bindArea<T extends EndpointTable>(core: WechatRequestCore, table: T): AreaClient<T> {
  const area: Record<string, unknown> = {};
  for (const [name, ep] of Object.entries(table)) area[name] = (request: unknown) => core.call(ep, request as never);
  return area as AreaClient<T>;
}

/** `client.scan.getProduct(...)`, `client.order.refundOrder(...)`, …: every endpoint of `wechatApi`. */
export function bindWechatClient(core: WechatRequestCore): WechatClient {
  const client: Record<string, unknown> = {};
  for (const [area, table] of Object.entries(wechatApi)) client[area] = bindArea(core, table);
  return client as WechatClient;
}
