import Router from '@koa/router';
import type { RedisClient } from '../redis/connect';
import type { Metrics } from './metrics';

/** `/healthz` (the process is up), `/readyz` (Redis answers), `/metrics` (Prometheus text). */
export function opsRouter(redis: RedisClient, metrics: Metrics): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    try {
      await Promise.race([redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000))]);
      ctx.body = { status: 'ready', redis: 'ok' };
    } catch (e) {
      ctx.status = 503;
      ctx.body = { status: 'not ready', redis: (e as Error).message };
    }
  });
  router.get('/metrics', (ctx) => {
    ctx.type = 'text/plain; version=0.0.4';
    ctx.body = metrics.render();
  });
  return router;
}
