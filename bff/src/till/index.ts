import type { Logger } from '../log';
import type { ProjectionStore } from '../projector';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';
import { CardCatalog } from '../services/card-catalog';
import type { WechatClient } from '../wechat';
import { RedisLock } from './lock';
import { TillService } from './service';
import { TillStore } from './store';
import { TerminalRegistry } from './terminals';

export { registerTillAdminRoutes, tillApi } from './routes';
export { TillService } from './service';
export { TerminalRegistry } from './terminals';
export { TillStore } from './store';

/**
 * A code's lock lives longer than everything done under it: three WeChat calls of at most 5 s
 * each, with the request core's busy retries. A waiting till gives up after 10 s (503 busy).
 */
const LOCK = { ttlMs: 60_000, waitMs: 10_000 };

export interface TillDeps {
  redis: RedisClient;
  keys: RedisKeys;
  wechat: { client: WechatClient };
  logger: Logger;
  projections: ProjectionStore;
  /** See TillService: how long an unchanged balance does not yet prove a lost change was not applied (tests shorten it). */
  tillSettleGraceMs?: number;
}

/** The till's parts over one Redis and one WeChat client. */
export function createTill(deps: TillDeps) {
  const { redis, keys, logger } = deps;
  const store = new TillStore(redis, keys);
  const terminals = new TerminalRegistry(redis, keys);
  const till = new TillService({
    client: deps.wechat.client,
    store,
    lock: new RedisLock(redis, LOCK),
    keys,
    catalog: new CardCatalog(redis, keys),
    logger,
    refreshOrder: (orderId) => deps.projections.refreshOrder(orderId),
    refreshCode: (code) => deps.projections.refreshCode(code),
    ...(deps.tillSettleGraceMs !== undefined && { settleGraceMs: deps.tillSettleGraceMs }),
    knownCode: async (code) => (await redis.exists(keys.projCard(code))) === 1,
  });
  return { till, terminals, store };
}
