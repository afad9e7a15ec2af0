import Router from '@koa/router';
import type Koa from 'koa';
import getRawBody from 'raw-body';
import { z } from 'zod';
import type { SandboxWorld } from '../world';
import { WechatFault } from './fault';

/**
 * Routes on WeChat's side that WeChat itself does not expose: what a test or a person does as
 * WeChat (advance time, expire tokens, arm faults) or as a WeChat user (log in, scan, buy).
 * JSON in and out; a bad body is a 400 that says which field.
 */
export type ControlRoute = <S extends z.ZodType>(
  path: string,
  schema: S,
  act: (input: z.output<S>, world: SandboxWorld) => unknown,
) => void;

export function controlRouter(world: SandboxWorld): { router: Router; post: ControlRoute } {
  const router = new Router();
  const post: ControlRoute = (path, schema, act) => {
    router.post(path, async (ctx: Koa.Context) => {
      const raw = await getRawBody(ctx.req, { limit: '1mb', encoding: 'utf8' });
      let json: unknown = {};
      try {
        json = raw.trim() ? JSON.parse(raw) : {};
      } catch {
        ctx.status = 400;
        ctx.body = { error: { code: 'bad_json', message: 'body is not JSON' } };
        return;
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        ctx.status = 400;
        ctx.body = { error: { code: 'bad_request', message: z.prettifyError(parsed.error) } };
        return;
      }
      try {
        ctx.body = (await act(parsed.data, world)) ?? { ok: true };
      } catch (e) {
        if (!(e instanceof WechatFault)) throw e;
        ctx.status = 409;
        ctx.body = { error: { code: 'wechat_refused', message: e.errmsg, errcode: e.errcode } };
      }
    });
  };
  return { router, post };
}
