import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';
import { HttpError } from './errors';

/** A quota: at most `points` in a fixed window of `durationS` seconds; `null`: no limit. */
export type Quota = { points: number; durationS: number } | null;

/** The quotas the BFF enforces (settings RATE_*; README "Settings"). */
export interface RateQuotas {
  /** `POST /api/session` per client IP: each code costs a jscode2session call. */
  loginPerIp: Quota;
  /** Every other `/api` request per session (Mini Program user). */
  apiPerSession: Quota;
  /** Landing pages per client IP: each costs WeChat lookups (order/get, code/get, scanticket/check). */
  landingPerIp: Quota;
  /** Failed admin tokens and failed terminal keys per client IP; once over, the IP is refused outright. */
  authFailuresPerIp: Quota;
  /** Invoice requests per user. */
  invoicePerUser: Quota;
}

export type RateName = keyof RateQuotas;

/** Refused by a quota: 429 with `Retry-After`, how long until it lets the caller in again. */
export class RateLimited extends HttpError {
  constructor(readonly retryAfterS: number) {
    super(429, 'rate_limited', `too many requests; retry in ${retryAfterS} s`, { retry_after: retryAfterS });
    this.headers = { 'Retry-After': String(retryAfterS) };
  }
}

/**
 * The BFF's quotas, counted in Redis (rate-limiter-flexible's fixed windows: one atomic script per
 * hit on one key), so every BFF process shares them. Keys are `<prefix>rl:<name>:<subject>`: on a
 * cluster REDIS_PREFIX's hash tag keeps them where the rest of the project is.
 */
export class RateLimits {
  private readonly limiters = new Map<RateName, RateLimiterRedis>();

  constructor(
    redis: RedisClient,
    keys: RedisKeys,
    readonly quotas: RateQuotas,
  ) {
    for (const [name, quota] of Object.entries(quotas) as [RateName, Quota][]) {
      if (quota) this.limiters.set(name, new RateLimiterRedis({ storeClient: redis, keyPrefix: keys.rateLimit(name), points: quota.points, duration: quota.durationS }));
    }
  }

  /** Counts one hit of `subject`; throws RateLimited (429) once its quota is spent. */
  async hit(name: RateName, subject: string): Promise<void> {
    const limiter = this.limiters.get(name);
    if (!limiter) return;
    try {
      await limiter.consume(subject);
    } catch (e) {
      if (e instanceof RateLimiterRes) throw new RateLimited(retryAfterOf(e));
      throw e;
    }
  }

  /** Throws RateLimited when `subject` has already spent its quota, without counting a hit. */
  async check(name: RateName, subject: string): Promise<void> {
    const limiter = this.limiters.get(name);
    const quota = this.quotas[name];
    if (!limiter || !quota) return;
    const res = await limiter.get(subject);
    if (res && res.consumedPoints >= quota.points) throw new RateLimited(retryAfterOf(res));
  }
}

function retryAfterOf(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/** `points/seconds`, e.g. `30/60`; `off`: no limit. */
export function parseQuota(text: string): Quota | undefined {
  if (text === 'off') return null;
  const m = /^(\d{1,9})\/(\d{1,9})$/.exec(text);
  if (!m) return undefined;
  const points = Number(m[1]);
  const durationS = Number(m[2]);
  return points >= 1 && durationS >= 1 ? { points, durationS } : undefined;
}
