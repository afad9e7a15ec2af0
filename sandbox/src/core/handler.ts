import type { EndpointDef, EndpointTable, ParsedRequestOf, ResponseBodyOf, WechatApi } from '@giftcard/shared';
import type { SandboxWorld } from '../world';

export interface HandlerContext {
  world: SandboxWorld;
  /** The appid the access token was issued to (`auth: 'access_token'` endpoints). */
  appid: string | undefined;
  /** The WeChat API origin as the caller reached it (`http://host/sandbox`): where the sandbox serves what it answers URLs for. */
  apiBase: string;
}

/**
 * Emulates one endpoint: gets the request already checked against the endpoint's schema, answers
 * the successful body (errcode/errmsg are added for it), or throws a WechatFault.
 */
export type Handler<E extends EndpointDef> = (
  request: ParsedRequestOf<E>,
  ctx: HandlerContext,
) => Omit<ResponseBodyOf<E>, 'errcode' | 'errmsg'> | Promise<Omit<ResponseBodyOf<E>, 'errcode' | 'errmsg'>>;

export type AreaHandlers<T extends EndpointTable> = { [K in keyof T]: Handler<T[K]> };

/** A handler for every endpoint of every area: the compiler proves the sandbox is complete. */
export type SandboxHandlers = { [A in keyof WechatApi]: AreaHandlers<WechatApi[A]> };
