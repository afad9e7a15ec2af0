import { randomBytes } from 'node:crypto';
import type { authEndpoints } from '@giftcard/shared';
import type { AreaHandlers, HandlerContext } from '../../core/handler';
import { WechatFault } from '../../core/fault';

function checkApp(ctx: HandlerContext, appid: string, secret: string, kind: 'serviceAccount' | 'miniProgram') {
  const app = ctx.world.config[kind];
  if (appid !== app.appid) throw new WechatFault(40013);
  if (secret !== app.secret) throw new WechatFault(40125);
}

export const authHandlers: AreaHandlers<typeof authEndpoints> = {
  getToken: (req, ctx) => {
    checkApp(ctx, req.appid, req.secret, 'serviceAccount');
    return ctx.world.tokens.issue(req.appid, 'classic');
  },
  getStableToken: (req, ctx) => {
    checkApp(ctx, req.appid, req.secret, 'serviceAccount');
    return ctx.world.tokens.issue(req.appid, 'stable', req.force_refresh === true);
  },
  jscode2session: (req, ctx) => {
    checkApp(ctx, req.appid, req.secret, 'miniProgram');
    const login = ctx.world.logins.redeem(req.js_code, ctx.world.clock.now());
    if (typeof login === 'number') throw new WechatFault(login);
    return {
      openid: login.openid,
      session_key: randomBytes(16).toString('base64'),
      ...(login.unionid ? { unionid: login.unionid } : {}),
    };
  },
};
