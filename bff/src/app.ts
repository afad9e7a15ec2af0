import Koa from 'koa';
import { registerIdentityRoutes } from './admin/identity';
import { adminApi } from './admin/routes';
import { createMiniApi } from './api/routes';
import { createCallback } from './callback';
import type { Config } from './config';
import { compression } from './http/compression';
import { errorMiddleware } from './http/errors';
import { favicon } from './http/favicon';
import { requestId } from './http/request-id';
import { RateLimits } from './http/rate-limit';
import { serveStatic } from './http/static';
import { landingRouter } from './landing/routes';
import type { Logger } from './log';
import type { Metrics } from './ops/metrics';
import { ProjectionStore, ProjectionWriter } from './projector';
import { opsRouter } from './ops/routes';
import type { RedisClient } from './redis/connect';
import type { RedisKeys } from './redis/keys';
import { SandboxClock, sandboxProxy } from './sandbox-link';
import { createTill, registerTillAdminRoutes, tillApi } from './till';
import type { Wechat } from './wechat';

export interface AppDeps {
  config: Config;
  redis: RedisClient;
  keys: RedisKeys;
  wechat: Wechat;
  metrics: Metrics;
  logger: Logger;
  /** How long the callback may take to store a push before it answers 503 (default 3000 ms). */
  storeDeadlineMs?: number;
  /** The projector's store for the Mini Program API; one over the same Redis is made when not given. */
  projections?: ProjectionStore;
  /** The till's grace before an unchanged balance proves a lost change was not applied (ms; tests shorten it). */
  tillSettleGraceMs?: number;
  /** A built H5 app (miniprogram/dist-h5) served at /app/; it calls /api and /sandbox same-origin. */
  h5Dir?: string;
  /** Clock (ms) of projection reads and ages; the projector's writer must use the same (tests). */
  clockMs?: () => number;
}

/** The projection store of the app: refreshes through its own writer, list reads follow PROJECTION_MAX_AGE_S. */
function createProjectionStore(deps: AppDeps): ProjectionStore {
  const { redis, keys, logger } = deps;
  const writer = new ProjectionWriter({ redis, keys, client: deps.wechat.client, logger, now: deps.clockMs });
  return new ProjectionStore(redis, keys, writer, { logger, freshness: { maxAgeMs: deps.config.projectionMaxAgeS * 1000, now: deps.clockMs } });
}

/** The BFF as a Koa app, everything injected, so tests run the real app against real Redis. */
export function createApp(deps: AppDeps): Koa {
  // TRUST_PROXY=1: ctx.ip and ctx.protocol from X-Forwarded-*, trusting one hop (the address the
  // proxy appended, never one a client wrote further left); the landing cookie follows ctx.secure.
  const app = new Koa({ proxy: deps.config.trustProxy, maxIpsCount: 1 });
  const limits = new RateLimits(deps.redis, deps.keys, deps.config.rateQuotas);
  const requests = deps.metrics.counter('http_requests_total', 'HTTP requests by route and status.', ['method', 'route', 'status']);
  // First, ahead of every other middleware: WeChat's pushes are the traffic that comes at full rate, and
  // each layer in front of them cost measurably per push (bench/callback.ts). The callback gives itself
  // its request id, answers its own errors (an empty 500: WeChat retries) and is counted by its own
  // metrics (wechat_callback_duration_seconds{status}, wechat_pushes_total), not http_requests_total.
  // SANDBOX=1: WeChat is the sandbox running apart; its clock (which its pusher signs with) is the
  // replay window's now, learned over HTTP when a push falls outside the window by this machine's.
  const sandboxClock = deps.config.sandboxUrl === undefined ? undefined : new SandboxClock(deps.config.sandboxUrl);
  app.use(createCallback({ ...deps, wechatNow: sandboxClock && (() => sandboxClock.now()), refreshWechatNow: sandboxClock && (() => sandboxClock.refresh()) }));
  app.use(requestId());
  app.use(async (ctx, next) => {
    try {
      await next();
    } finally {
      requests.add({ method: ctx.method, route: String(ctx._matchedRoute ?? 'unmatched'), status: ctx.status });
    }
  });
  app.use(errorMiddleware(deps.logger));
  // Replies of the other routes may be large; the callback's are a few bytes and come before it.
  app.use(compression());
  // SANDBOX=1: the sandbox served at /sandbox of this origin (the H5 app's demo login, pictures, _control).
  if (deps.config.sandboxUrl !== undefined) app.use(sandboxProxy(deps.config.sandboxUrl));
  app.use(favicon());
  const ops = opsRouter(deps.redis, deps.metrics, { metricsToken: deps.config.metricsToken, logger: deps.logger });
  app.use(ops.routes()).use(ops.allowedMethods());
  if (deps.h5Dir) app.use(serveStatic(deps.h5Dir, '/app'));
  // The projections every part reads and refreshes; lists re-read what is older than PROJECTION_MAX_AGE_S.
  const projections = deps.projections ?? createProjectionStore(deps);
  const landing = landingRouter({ ...deps, projections, limits });
  app.use(landing.routes()).use(landing.allowedMethods());
  const till = createTill({ ...deps, projections });
  const miniApi = createMiniApi({ ...deps, projections, limits, cardHistory: (code) => till.till.history(code) });
  // What the merchant changes through /admin, the Mini Program API learns at once: shelves, binding, prices.
  app.use(
    adminApi({
      ...deps,
      projections,
      limits,
      extraRoutes: (router) => {
        registerTillAdminRoutes(router, till);
        registerIdentityRoutes(router, miniApi.identity);
      },
      serialise: (codes, fn) => till.till.withCodes(codes, fn),
      shelves: miniApi.shelves,
      afterWechatCall: async (endpoint, input, result) => {
        await miniApi.shelves.afterMerchantCall(endpoint, input, result);
        await miniApi.cards.afterMerchantCall(endpoint, input, result);
        // WeChat pushes nothing for a balance update, a consume or a refund: re-read before answering.
        await projections.afterMerchantCall(endpoint, input);
      },
    }),
  );
  app.use(miniApi.middleware);
  app.use(tillApi({ ...till, limits }));
  return app;
}
