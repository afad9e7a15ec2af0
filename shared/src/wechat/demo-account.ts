/**
 * The demo WeChat account of sandbox mode: who the WeChat sandbox plays by default, and the values the
 * BFF's settings fall back to with `SANDBOX=1`. Both read them from here, so a BFF and a sandbox started
 * apart agree; a setting given in the environment (WECHAT_APPID, WECHAT_TOKEN, …) wins on either side.
 * Plain mode: no EncodingAESKey unless WECHAT_AES_KEY is set (on both).
 */
export const DEMO_WECHAT_ACCOUNT = {
  serviceAccount: { appid: 'wxsandboxservice0', secret: 'sandbox-service-secret-0000000000', originalId: 'gh_sandbox00001' },
  miniProgram: { appid: 'wxsandboxminiapp0', secret: 'sandbox-miniapp-secret-0000000000' },
  /** The platform's callback Token (WECHAT_TOKEN). */
  token: 'sandboxtoken',
} as const;

/** Where the WeChat sandbox listens alone (`pnpm sandbox`, SANDBOX_PORT) unless told otherwise. */
export const DEFAULT_SANDBOX_PORT = 3100;
