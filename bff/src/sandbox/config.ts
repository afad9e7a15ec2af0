/** Who the sandbox pretends the merchant is. Demo values; the BFF's settings win when given. */
export interface SandboxConfig {
  serviceAccount: { appid: string; secret: string; originalId: string };
  miniProgram: { appid: string; secret: string };
  /** Lifetime of issued access tokens (WeChat: 7200 s). Tests shorten it. */
  tokenTtlSeconds: number;
  /** Lifetime of a wxticket (spec 000: 20 minutes). */
  ticketTtlSeconds: number;
}

export const DEMO_SANDBOX_CONFIG: SandboxConfig = {
  serviceAccount: { appid: 'wxsandboxservice0', secret: 'sandbox-service-secret-0000000000', originalId: 'gh_sandbox00001' },
  miniProgram: { appid: 'wxsandboxminiapp0', secret: 'sandbox-miniapp-secret-0000000000' },
  tokenTtlSeconds: 7200,
  ticketTtlSeconds: 20 * 60,
};
