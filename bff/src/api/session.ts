import type Koa from 'koa';
import { HttpError } from '../http/errors';
import { sign, verify } from '../util/signing';
import { isWechatError, type WechatClient } from '../wechat';
import type { IdentityLinks } from './identity';

/** How long a session token lives, seconds. The Mini Program logs in again (wx.login) after. */
export const SESSION_TTL_SECONDS = 2 * 60 * 60;

/** What a verified token says: the Mini Program openid, as jscode2session answered it. */
export interface SessionClaims {
  /** Mini Program openid. */
  sub: string;
  /** Expiry, Unix seconds. */
  exp: number;
}

/**
 * The BFF's own session tokens: `v1.<base64url JSON claims>.<base64url HMAC-SHA256>` keyed with
 * SESSION_SECRET. Stateless: nothing from WeChat's session (session_key) is in it or stored.
 */
export class SessionTokens {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
    readonly ttlSeconds = SESSION_TTL_SECONDS,
  ) {}

  mint(miniOpenid: string): { token: string; expiresIn: number } {
    const claims: SessionClaims = { sub: miniOpenid, exp: this.now() + this.ttlSeconds };
    const body = `v1.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return { token: `${body}.${sign(this.secret, 'session', body)}`, expiresIn: this.ttlSeconds };
  }

  /** The claims of a valid, unexpired token; null for anything else. */
  verify(token: string): SessionClaims | null {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== 'v1') return null;
    if (!verify(this.secret, parts[2], 'session', `${parts[0]}.${parts[1]}`)) return null;
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    const c = claims as Partial<SessionClaims>;
    if (typeof c.sub !== 'string' || !c.sub || typeof c.exp !== 'number') return null;
    if (c.exp <= this.now()) return null;
    return { sub: c.sub, exp: c.exp };
  }
}

/** Login: `wx.login` code → jscode2session → our token; a unionid WeChat vouches for may link the user. */
export class SessionService {
  constructor(
    private readonly deps: { client: WechatClient; wxaAppid: string; wxaSecret: string; tokens: SessionTokens; identity: IdentityLinks },
  ) {}

  async login(code: string): Promise<{ token: string; expiresIn: number }> {
    let session;
    try {
      session = await this.deps.client.auth.jscode2session({ appid: this.deps.wxaAppid, secret: this.deps.wxaSecret, js_code: code });
    } catch (e) {
      // 40029 invalid code, 40163 code used, 40226 risky user: the client must log in again.
      if (isWechatError(e, 40029) || isWechatError(e, 40163) || isWechatError(e, 40226)) {
        throw new HttpError(401, 'invalid_code', 'the login code is invalid or used; call wx.login again');
      }
      // Anything else (busy, no answer, unreachable) is the API's error boundary's to answer.
      throw e;
    }
    // session_key is dropped here: nothing the BFF does needs it.
    if (session.unionid) await this.deps.identity.linkByUnionid(session.openid, session.unionid);
    return this.deps.tokens.mint(session.openid);
  }
}

/** `Authorization: Bearer <token>` → `ctx.state.miniOpenid`; missing, bad or expired → 401. */
export function sessionAuth(tokens: SessionTokens): Koa.Middleware {
  return async (ctx, next) => {
    const m = /^Bearer ([A-Za-z0-9._-]{1,2048})$/.exec(ctx.get('Authorization'));
    const claims = m ? tokens.verify(m[1]!) : null;
    if (!claims) {
      ctx.set('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'unauthorized', m ? 'the session is invalid or expired' : 'a session token is required');
    }
    ctx.state.miniOpenid = claims.sub;
    await next();
  };
}
