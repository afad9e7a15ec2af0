import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SANDBOX_PORT, DEMO_WECHAT_ACCOUNT } from '@giftcard/shared';
import { z } from 'zod';
import { DEDUP_TTL_SECONDS } from './callback/inbox';
import { parseQuota, type Quota, type RateQuotas } from './http/rate-limit';
import type { RefundPolicy } from './services/refund-policy';

/**
 * Settings from the environment (CONTRACT.md "Settings"), validated at start-up. In sandbox mode
 * missing WeChat credentials take the demo account's values (@giftcard/shared's DEMO_WECHAT_ACCOUNT,
 * which the sandbox plays by default); a value given in the environment wins.
 */
export interface Config {
  port: number;
  host: string;
  redisUrl: string;
  redisClusterNodes: string[];
  redisPrefix: string;
  wechatApiBase: string;
  wechatAppid: string;
  wechatAppsecret: string;
  wechatToken: string;
  wechatAesKey: string | undefined;
  /** The EncodingAESKey before a rotation: still opens pushes (a reply is sealed with the key its push used). */
  wechatAesKeyPrevious: string | undefined;
  /** A push whose query `timestamp` is further than this from now is refused (s); below the de-dup TTL. */
  pushMaxAgeS: number;
  wxaAppid: string;
  wxaSecret: string;
  adminToken: string;
  sessionSecret: string;
  /** SANDBOX=1: `/sandbox/*` is proxied to the WeChat sandbox at `sandboxUrl`, and the BFF's WeChat is it. */
  sandbox: boolean;
  /** SANDBOX_URL: the running WeChat sandbox's origin (default http://127.0.0.1:SANDBOX_PORT, 3100); SANDBOX=1 only. */
  sandboxUrl: string | undefined;
  /** WORKERS: BFF processes on one port (node:cluster); 1 = this process serves. */
  workers: number;
  /** Trim `events` below what every consumer group acknowledged this often (ms); undefined: never. */
  eventsTrimEveryMs: number | undefined;
  /** A user's list re-reads from WeChat the orders whose projection is older than this (seconds). */
  projectionMaxAgeS: number;
  /** `unused`: the BFF refunds only orders whose cards are all unused and not given away; `any`: the merchant decides. */
  refundPolicy: RefundPolicy;
  /** A built H5 app (`miniprogram/dist-h5`) to serve at /app/; unset: the sandbox serves the repo's own build when there is one. */
  h5Dir: string | undefined;
  /** Merchant webhooks (CONTRACT.md "Merchant webhooks"); undefined: MERCHANT_WEBHOOK_URL not set. */
  merchantWebhook: MerchantWebhookConfig | undefined;
  /** TRUST_PROXY=1: the client IP and scheme come from X-Forwarded-For / -Proto (one proxy hop). */
  trustProxy: boolean;
  /** Quotas (RATE_*), counted in Redis across processes; 429 with Retry-After past them. */
  rateQuotas: RateQuotas;
  /**
   * METRICS_TOKEN: `/metrics` on the public origin needs `Authorization: Bearer` it. Unset (and no
   * METRICS_PORT): `/metrics` is not served at all, except that the sandbox makes one up and prints it.
   */
  metricsToken: string | undefined;
  /** METRICS_PORT: `/metrics` (no token) on 127.0.0.1 at this port only, never on the public origin. */
  metricsPort: number | undefined;
  /** Which secrets the sandbox made up (so start-up can print them). */
  generated: string[];
}

export interface MerchantWebhookConfig {
  url: string;
  /** The HMAC-SHA256 key of `Giftcard-Signature`, at least 32 characters. */
  secret: string;
  /** First retry delay, ms: doubled per attempt, with jitter, capped at one hour. */
  retryMs: number;
  /** After this long (s) since it was stored, a delivery that never got a 2xx is dead. */
  giveUpS: number;
  /** How long one attempt may take before it counts as failed (ms; the contract's 10 s, shorter for tests). */
  timeoutMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`Invalid setting ${setting}: ${message}`);
  }
}

const nonEmpty = z.string().trim().min(1, 'must not be empty');
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: nonEmpty.default('127.0.0.1'),
  REDIS_URL: z
    .string()
    .regex(/^(redis|rediss|redis\+cluster):\/\/.+/, 'must be redis://…, rediss://… or redis+cluster://h1:p1,h2:p2')
    .default('redis://127.0.0.1:6379/0'),
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, 'must be host:port[,host:port…]')
    .optional(),
  // At most one `{…}` hash tag (Redis Cluster: every key of the project in one slot, as its scripts need).
  REDIS_PREFIX: z
    .string()
    .max(64, 'at most 64 characters')
    .regex(/^[A-Za-z0-9:_.-]*(\{[A-Za-z0-9:_.-]+\}[A-Za-z0-9:_.-]*)?$/, 'letters, digits and :_.- only, with at most one {hash tag}')
    .min(1)
    .default('gc:'),
  WECHAT_API_BASE: z.url({ protocol: /^https?$/ }).optional(),
  WECHAT_APPID: nonEmpty.optional(),
  WECHAT_APPSECRET: nonEmpty.optional(),
  WECHAT_TOKEN: z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'WeChat allows 3–32 letters or digits').optional(),
  // WeChat's EncodingAESKey: 43 characters of base64 without the trailing '='.
  WECHAT_AES_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}$/, 'must be 43 base64 characters (the EncodingAESKey)').optional(),
  WECHAT_AES_KEY_PREVIOUS: z.string().regex(/^[A-Za-z0-9+/]{43}$/, 'must be 43 base64 characters (the EncodingAESKey)').optional(),
  // Below the de-dup TTL: a replay inside the window is a duplicate, one after it is refused.
  PUSH_MAX_AGE_S: z.coerce.number('must be a whole number of seconds').int('must be a whole number of seconds').min(1, 'at least 1 (s)').max(DEDUP_TTL_SECONDS - 1, `at most ${DEDUP_TTL_SECONDS - 1} (below the 25-hour de-dup TTL)`).default(300),
  WXA_APPID: nonEmpty.optional(),
  WXA_SECRET: nonEmpty.optional(),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SANDBOX: z.enum(['0', '1'], 'must be 0 or 1').default('0'),
  SANDBOX_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL (the sandbox\'s origin)' }).optional(),
  SANDBOX_PORT: z.coerce.number('must be a port number').int('must be a port number').min(1, 'must be a port number').max(65535, 'must be a port number').default(DEFAULT_SANDBOX_PORT),
  H5_DIR: nonEmpty.optional(),
  // Off unless set: trimming before the merchant's own consumer group exists would drop events it never read.
  EVENTS_TRIM_EVERY_MS: z.coerce.number().int().min(1000, 'at least 1000 (ms)').optional(),
  // 0: every list request re-reads (still bounded per request); at most a day.
  PROJECTION_MAX_AGE_S: z.coerce.number('must be a whole number of seconds').int('must be a whole number of seconds').min(0, 'at least 0').max(86400, 'at most 86400 (a day)').default(60),
  REFUND_POLICY: z.enum(['unused', 'any'] satisfies RefundPolicy[], 'must be unused or any').default('unused'),
  MERCHANT_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  MERCHANT_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  MERCHANT_WEBHOOK_RETRY_MS: z.coerce.number('must be a whole number of ms').int('must be a whole number of ms').min(1, 'at least 1 (ms)').max(3_600_000, 'at most 3600000 (an hour)').default(1000),
  MERCHANT_WEBHOOK_GIVE_UP_S: z.coerce.number('must be a whole number of seconds').int('must be a whole number of seconds').min(1, 'at least 1 (s)').default(86400),
  MERCHANT_WEBHOOK_TIMEOUT_MS: z.coerce.number('must be a whole number of ms').int('must be a whole number of ms').min(100, 'at least 100 (ms)').max(10_000, 'at most 10000 (the contract: a 2xx within 10 s)').default(10_000),
  TRUST_PROXY: z.enum(['0', '1'], 'must be 0 or 1').default('0'),
  WORKERS: z.coerce.number('must be a whole number from 1 to 64').int('must be a whole number from 1 to 64').min(1, 'must be a whole number from 1 to 64').max(64, 'must be a whole number from 1 to 64').default(1),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PORT: z.coerce.number('must be a port number').int('must be a port number').min(1, 'must be a port number').max(65535, 'must be a port number').optional(),
  RATE_LOGIN_PER_IP: quota('30/60'),
  RATE_API_PER_SESSION: quota('600/60'),
  RATE_LANDING_PER_IP: quota('60/60'),
  RATE_AUTH_FAILURES_PER_IP: quota('20/600'),
  RATE_INVOICE_PER_USER: quota('10/3600'),
});

/** A quota setting: `points/seconds` (e.g. `30/60`) or `off`. */
function quota(fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((text, ctx): Quota => {
      const q = parseQuota(text);
      if (q === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be points/seconds (e.g. 30/60, both at least 1) or off' });
        return z.NEVER;
      }
      return q;
    });
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0]), issue.message);
  }
  const e = parsed.data;
  const sandbox = e.SANDBOX === '1';
  // WORKERS>1 with SANDBOX=1 is fine: the sandbox is a service of its own, one world every process talks to.
  const generated: string[] = [];
  const demo = DEMO_WECHAT_ACCOUNT;
  // Outside the sandbox every credential must be given; inside it, demo values fill the gaps.
  const need = (name: keyof typeof e, demoValue: () => string): string => {
    const value = e[name];
    if (typeof value === 'string') return value;
    if (!sandbox) throw new ConfigError(name, 'is required (or set SANDBOX=1 to run against the WeChat sandbox)');
    generated.push(name);
    return demoValue();
  };
  const origin = `http://${e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST}:${e.PORT}`;
  return {
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    redisClusterNodes: e.REDIS_CLUSTER_NODES?.split(',') ?? [],
    redisPrefix: e.REDIS_PREFIX,
    wechatApiBase: (e.WECHAT_API_BASE ?? (sandbox ? `${origin}/sandbox` : 'https://api.weixin.qq.com')).replace(/\/$/, ''),
    wechatAppid: need('WECHAT_APPID', () => demo.serviceAccount.appid),
    wechatAppsecret: need('WECHAT_APPSECRET', () => demo.serviceAccount.secret),
    wechatToken: need('WECHAT_TOKEN', () => demo.token),
    wechatAesKey: e.WECHAT_AES_KEY,
    wechatAesKeyPrevious: previousAesKey(e),
    pushMaxAgeS: e.PUSH_MAX_AGE_S,
    wxaAppid: need('WXA_APPID', () => demo.miniProgram.appid),
    wxaSecret: need('WXA_SECRET', () => demo.miniProgram.secret),
    adminToken: need('ADMIN_TOKEN', () => randomBytes(18).toString('base64url')),
    sessionSecret: need('SESSION_SECRET', () => randomBytes(32).toString('base64url')),
    sandbox,
    sandboxUrl: sandbox ? sandboxUrl(e) : undefined,
    workers: e.WORKERS,
    eventsTrimEveryMs: e.EVENTS_TRIM_EVERY_MS,
    projectionMaxAgeS: e.PROJECTION_MAX_AGE_S,
    refundPolicy: e.REFUND_POLICY,
    h5Dir: e.H5_DIR === undefined ? undefined : h5Dir(e.H5_DIR),
    merchantWebhook: merchantWebhook(e),
    trustProxy: e.TRUST_PROXY === '1',
    metricsToken: metricsToken(e, sandbox, generated),
    metricsPort: e.METRICS_PORT,
    rateQuotas: {
      loginPerIp: e.RATE_LOGIN_PER_IP,
      apiPerSession: e.RATE_API_PER_SESSION,
      landingPerIp: e.RATE_LANDING_PER_IP,
      authFailuresPerIp: e.RATE_AUTH_FAILURES_PER_IP,
      invoicePerUser: e.RATE_INVOICE_PER_USER,
    },
    generated,
  };
}

/**
 * The secrets loadConfig made up (sandbox mode), as settings: the primary of WORKERS>1 hands them to
 * its workers, so every process takes the same admin token, session secret and metrics token.
 */
export function generatedSecrets(config: Config): Record<string, string> {
  const values: Record<string, string | undefined> = { ADMIN_TOKEN: config.adminToken, SESSION_SECRET: config.sessionSecret, METRICS_TOKEN: config.metricsToken };
  return Object.fromEntries(config.generated.flatMap((name) => (values[name] === undefined ? [] : [[name, values[name]!]])));
}

/**
 * `/metrics` is never open on the public origin: with neither METRICS_TOKEN nor METRICS_PORT it is not
 * served, except in the sandbox, which makes a token up (printed at start, like the admin token).
 */
function metricsToken(e: z.output<typeof schema>, sandbox: boolean, generated: string[]): string | undefined {
  if (e.METRICS_TOKEN !== undefined || e.METRICS_PORT !== undefined || !sandbox) return e.METRICS_TOKEN;
  generated.push('METRICS_TOKEN');
  return randomBytes(18).toString('base64url');
}

/** The sandbox's origin: SANDBOX_URL (an origin, no path: its API is under /sandbox), else loopback at SANDBOX_PORT. */
function sandboxUrl(e: z.output<typeof schema>): string {
  if (e.SANDBOX_URL === undefined) return `http://127.0.0.1:${e.SANDBOX_PORT}`;
  const url = new URL(e.SANDBOX_URL);
  if (url.pathname !== '/' || url.search || url.hash || url.username) throw new ConfigError('SANDBOX_URL', 'must be the sandbox\'s origin only, e.g. http://127.0.0.1:3100 (no path: its API is under /sandbox)');
  return url.origin;
}

/** A previous key only beside a current one (it only opens pushes during a rotation). */
function previousAesKey(e: z.output<typeof schema>): string | undefined {
  if (e.WECHAT_AES_KEY_PREVIOUS !== undefined && e.WECHAT_AES_KEY === undefined) {
    throw new ConfigError('WECHAT_AES_KEY_PREVIOUS', 'needs WECHAT_AES_KEY (the new key) beside it');
  }
  return e.WECHAT_AES_KEY_PREVIOUS;
}

/** H5_DIR must be a built app: a directory with an index.html. */
function h5Dir(dir: string): string {
  const abs = path.resolve(dir);
  if (!existsSync(path.join(abs, 'index.html'))) throw new ConfigError('H5_DIR', `${abs} has no index.html (build it: pnpm build)`);
  return abs;
}

/** The webhook settings: with a URL, a secret is required (an unsigned webhook would be forgeable). */
function merchantWebhook(e: z.output<typeof schema>): MerchantWebhookConfig | undefined {
  if (e.MERCHANT_WEBHOOK_URL === undefined) return undefined;
  if (e.MERCHANT_WEBHOOK_SECRET === undefined) throw new ConfigError('MERCHANT_WEBHOOK_SECRET', 'is required when MERCHANT_WEBHOOK_URL is set (at least 32 characters)');
  return {
    url: e.MERCHANT_WEBHOOK_URL,
    secret: e.MERCHANT_WEBHOOK_SECRET,
    retryMs: e.MERCHANT_WEBHOOK_RETRY_MS,
    giveUpS: e.MERCHANT_WEBHOOK_GIVE_UP_S,
    timeoutMs: e.MERCHANT_WEBHOOK_TIMEOUT_MS,
  };
}
