import { randomBytes } from 'node:crypto';

interface Login {
  openid: string;
  unionid?: string;
  used: boolean;
  issuedAt: number;
}

/**
 * `wx.login` codes of Mini Program users. A code is good for one exchange within 5 minutes
 * (40163 once used, 40029 when unknown or stale), as WeChat's code2Session documents.
 */
export class MiniProgramLogins {
  private codes = new Map<string, Login>();

  /** What `wx.login` gives the user `openid` (the Mini Program's openid, not the Service Account's). */
  mint(openid: string, now: number, unionid?: string): string {
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { openid, unionid, used: false, issuedAt: now });
    return code;
  }

  /** The login, or the errcode WeChat answers. */
  redeem(code: string, now: number): Login | 40029 | 40163 {
    const login = this.codes.get(code);
    if (!login || now - login.issuedAt > 300) return 40029;
    if (login.used) return 40163;
    login.used = true;
    return login;
  }
}
