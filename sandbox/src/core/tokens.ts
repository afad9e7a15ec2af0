import { randomBytes } from 'node:crypto';
import { WechatFault } from './fault';
import type { SandboxClock } from './clock';

interface Issued {
  appid: string;
  expiresAt: number;
  revoked: boolean;
}

/**
 * Access tokens as WeChat issues them: `/cgi-bin/token` mints a new token on each call and the
 * previous one stays valid 5 more minutes; `/cgi-bin/stable_token` returns the current one while it
 * is valid (a new one on force_refresh). A token past its time answers 42001; an unknown or
 * revoked one 40001.
 */
export class TokenRegistry {
  private tokens = new Map<string, Issued>();
  private current = new Map<string, string>();

  constructor(
    private readonly clock: SandboxClock,
    public ttlSeconds: number,
  ) {}

  issue(appid: string, mode: 'classic' | 'stable', forceRefresh = false): { access_token: string; expires_in: number } {
    const now = this.clock.now();
    const currentToken = this.current.get(appid);
    const current = currentToken ? this.tokens.get(currentToken) : undefined;
    if (mode === 'stable' && !forceRefresh && currentToken && current && !current.revoked && current.expiresAt > now) {
      return { access_token: currentToken, expires_in: current.expiresAt - now };
    }
    if (current && current.expiresAt > now + 300) current.expiresAt = now + 300;
    const token = `sbx_${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { appid, expiresAt: now + this.ttlSeconds, revoked: false });
    this.current.set(appid, token);
    return { access_token: token, expires_in: this.ttlSeconds };
  }

  /** The appid the token was issued to, or the fault WeChat answers. */
  verify(token: string | undefined): string {
    if (!token) throw new WechatFault(41001);
    const issued = this.tokens.get(token);
    if (!issued || issued.revoked) throw new WechatFault(40001);
    if (issued.expiresAt <= this.clock.now()) throw new WechatFault(42001);
    return issued.appid;
  }

  /** Every token issued so far expires now (tests: "the cached token has expired"). */
  expireAll(): void {
    const now = this.clock.now();
    for (const t of this.tokens.values()) t.expiresAt = Math.min(t.expiresAt, now);
  }

  /** Every token issued so far becomes invalid (tests: "WeChat says 40001"). */
  revokeAll(): void {
    for (const t of this.tokens.values()) t.revoked = true;
  }
}
