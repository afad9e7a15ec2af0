import Router from '@koa/router';
import Koa from 'koa';
import { bearer, sameSecret } from '../http/bearer';
import type { Logger } from '../log';
import type { RedisClient } from '../redis/connect';
import type { Metrics } from './metrics';

/**
 * `/healthz` (the process is up), `/readyz` (Redis answers), `/metrics` (Prometheus text). On the
 * public origin `/metrics` needs `Authorization: Bearer <METRICS_TOKEN>`; without a token it is not
 * served here at all (404, as any unknown path), only on the loopback METRICS_PORT (`metricsApp`).
 */
export function opsRouter(redis: RedisClient, metrics: Metrics, opts: { metricsToken?: string; logger?: Logger } = {}): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    // Which process answered: several share one port (WORKERS) or one load balancer.
    ctx.body = { status: 'ok', pid: process.pid };
  });
  router.get('/readyz', async (ctx) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([redis.ping(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no answer within 1 s')), 1000)))]);
      ctx.body = { status: 'ready', redis: 'ok' };
    } catch (e) {
      // Redis's own words (hosts, ports, cluster layout) go to the log, not to whoever asks.
      opts.logger?.warn('readyz: redis not ready', { error: (e as Error).message });
      ctx.status = 503;
      ctx.body = { status: 'not ready', redis: 'unavailable' };
    } finally {
      clearTimeout(timer);
    }
  });
  const token = opts.metricsToken;
  if (token !== undefined) {
    const authenticate = bearer({ realm: 'metrics', refusal: 'a valid metrics bearer token (METRICS_TOKEN) is required', verify: sameSecret(token) });
    router.get('/metrics', async (ctx) => {
      await authenticate(ctx);
      return renderMetrics(ctx, metrics);
    });
  }
  return router;
}

/** The app of METRICS_PORT: `/metrics` alone, for a listener on 127.0.0.1 (main.ts binds it there). */
export function metricsApp(metrics: Metrics): Koa {
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.method !== 'GET' || ctx.path !== '/metrics') {
      ctx.status = 404;
      return;
    }
    await renderMetrics(ctx, metrics);
  });
  return app;
}

async function renderMetrics(ctx: Koa.Context, metrics: Metrics): Promise<void> {
  ctx.set('Cache-Control', 'no-store');
  ctx.body = await metrics.render();
  ctx.type = metrics.contentType;
}
