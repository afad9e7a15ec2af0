import { wechatApi, type EndpointDef } from '@giftcard/shared';
import type { z } from 'zod';
import { sandboxHandlers } from '../areas';
import type { SandboxWorld } from '../world';
import type { Handler } from './handler';
import { WechatFault } from './fault';

interface Route {
  name: string;
  endpoint: EndpointDef;
  handler: Handler<EndpointDef>;
}

/** `METHOD path` → the endpoints at that address (spec 000 documents two at one path). */
export function routeTable(): Map<string, Route[]> {
  const table = new Map<string, Route[]>();
  for (const [area, endpoints] of Object.entries(wechatApi)) {
    const handlers = sandboxHandlers[area as keyof typeof sandboxHandlers] as Record<string, Handler<EndpointDef>>;
    for (const [method, endpoint] of Object.entries(endpoints as Record<string, EndpointDef>)) {
      const key = `${endpoint.method} ${endpoint.path}`;
      const routes = table.get(key) ?? [];
      routes.push({ name: `${area}.${method}`, endpoint, handler: handlers[method]! });
      table.set(key, routes);
    }
  }
  return table;
}

export interface WechatCall {
  routes: Route[];
  query: Record<string, string>;
  /** The JSON body of a POST (undefined when empty), the form of a multipart POST, or the query of a GET. */
  payload: unknown;
  /** The API origin as the caller reached it (see HandlerContext). */
  apiBase: string;
}

/**
 * An answer and how it leaves. `lost`: the call was applied (a fault armed with `afterApply`), and
 * the answer goes back only after `delayMs`, or not at all (`drop`, the connection is reset).
 */
export interface Answer {
  body: Record<string, unknown>;
  lost?: { delayMs: number; drop: boolean };
}

/**
 * Answers one call the way WeChat does: always a JSON object, errcode 0 with the result, or the
 * errcode of the first thing wrong: an armed fault, the access token, the body, then the handler.
 */
export async function answer(world: SandboxWorld, call: WechatCall): Promise<Answer> {
  const { routes, query, payload, apiBase } = call;
  // Endpoints at one path are told apart by their fixed query (`setbizattr?action=…`), then by the
  // body (spec 000 documents ticket check and clear-record at one URL).
  const byQuery = routes.filter((r) => Object.entries(r.endpoint.query ?? {}).every(([k, v]) => query[k] === v));
  if (byQuery.length === 0) return { body: { errcode: 40097, errmsg: 'invalid args: unknown action' } };
  const chosen = byQuery.find((r) => r.endpoint.request.safeParse(payload ?? {}).success) ?? byQuery[0]!;
  world.calls.add(chosen.name);
  const fault = world.faults.take(chosen.name);
  // A fault acts before the handler (delay, then an errcode in its place) or, with afterApply,
  // after it: the call is answered in full, and only that answer is lost (refusals too).
  const before = fault?.afterApply ? undefined : fault;
  const body = await wechatAnswer(async () => {
    if (before?.delayMs) await new Promise((r) => setTimeout(r, before.delayMs));
    if (before?.errcode !== undefined) throw new WechatFault(before.errcode, before.errmsg);
    const appid = chosen.endpoint.auth === 'access_token' ? world.tokens.verify(query.access_token) : undefined;
    if (chosen.endpoint.method === 'POST' && payload === undefined) throw new WechatFault(44002);
    const parsed = chosen.endpoint.request.safeParse(payload);
    if (!parsed.success) throw faultFor(parsed.error);
    return chosen.handler(parsed.data as never, { world, appid, apiBase });
  });
  return fault?.afterApply ? { body, lost: { delayMs: fault.delayMs ?? 0, drop: fault.drop === true } } : { body };
}

/** errcode 0 with the result, or the errcode of the WechatFault thrown. */
async function wechatAnswer(run: () => Promise<object>): Promise<Record<string, unknown>> {
  try {
    return { errcode: 0, errmsg: 'ok', ...(await run()) };
  } catch (e) {
    if (e instanceof WechatFault) return { errcode: e.errcode, errmsg: e.errmsg };
    throw e;
  }
}

/** A field over its length is 45021 (003 §1.8); anything else wrong with the arguments is 40097. */
function faultFor(error: z.ZodError): WechatFault {
  const tooLong = error.issues.find(
    (i) =>
      (i.code === 'too_big' && i.origin === 'string') ||
      (i.code === 'custom' && (i.params as { wechatLimit?: string } | undefined)?.wechatLimit === 'too_long'),
  );
  if (tooLong) return new WechatFault(45021, `${tooLong.path.join('.')} is too long`);
  const issue = error.issues[0]!;
  return new WechatFault(40097, `invalid args: ${issue.path.join('.') || 'body'}: ${issue.message}`);
}
