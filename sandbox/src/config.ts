import { DEMO_WECHAT_ACCOUNT } from '@giftcard/shared';

/** Who the sandbox pretends the merchant is. Demo values; the BFF's settings win when given. */
export interface SandboxConfig {
  serviceAccount: { appid: string; secret: string; originalId: string };
  miniProgram: { appid: string; secret: string };
  /** Lifetime of issued access tokens (WeChat: 7200 s). Tests shorten it. */
  tokenTtlSeconds: number;
  /** Lifetime of a wxticket (spec 000: 20 minutes). */
  ticketTtlSeconds: number;
  /** Where WeChat pushes events (the callback URL set in the platform). Unset: events wait in the outbox. */
  callback?: SandboxCallbackConfig;
}

/** The platform's server settings (URL, Token, EncodingAESKey) and WeChat's delivery timing. */
export interface SandboxCallbackConfig {
  url: string;
  token: string;
  /** The 43-character EncodingAESKey: set = safe mode (encrypted pushes), unset = plain mode. */
  aesKey?: string;
  /** Per attempt; WeChat's is 5 s (001 "Event Push"). */
  timeoutMs?: number;
  /** One fixed wait before every retry instead of WeChat-like spacing (tests use a few ms). */
  retryDelayMs?: number;
}

/** The demo account (shared's DEMO_WECHAT_ACCOUNT, which the BFF's SANDBOX=1 defaults are too) and WeChat's lifetimes. */
export const DEMO_SANDBOX_CONFIG: SandboxConfig = {
  serviceAccount: { ...DEMO_WECHAT_ACCOUNT.serviceAccount },
  miniProgram: { ...DEMO_WECHAT_ACCOUNT.miniProgram },
  tokenTtlSeconds: 7200,
  ticketTtlSeconds: 20 * 60,
};
