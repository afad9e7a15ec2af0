import type { Config } from '../config';
import type { Logger } from '../log';
import type { Metrics } from '../ops/metrics';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';
import { AntiCounterfeitRegistry } from '../services/anti-counterfeit';
import { CallbackService } from './callback-service';
import { EventInbox } from './inbox';
import { callbackRoute } from './route';
import { parseEncodingAesKey } from '@giftcard/shared/wechat/message';

/** The WeChat callback as the app mounts it, built from the settings. */
export function createCallback(deps: {
  config: Config;
  redis: RedisClient;
  keys: RedisKeys;
  logger: Logger;
  metrics: Metrics;
  storeDeadlineMs?: number;
  /** WeChat's time (Unix seconds): with SANDBOX=1 the sandbox's clock, which its pusher signs with. */
  wechatNow?: () => number;
  /** WeChat's time read afresh (the sandbox's, over HTTP), asked when a push falls outside the window. */
  refreshWechatNow?: () => Promise<number | undefined>;
}) {
  const pushes = deps.metrics.counter('wechat_pushes_total', 'WeChat pushes by outcome and type.', ['outcome', 'type']);
  const latency = deps.metrics.histogram('wechat_callback_duration_seconds', 'WeChat callback latency, request to answer, by status (seconds).', ['status']);
  const service = new CallbackService({
    inbox: new EventInbox(deps.redis, deps.keys, { deadlineMs: deps.storeDeadlineMs }),
    registry: new AntiCounterfeitRegistry(deps.redis, deps.keys),
    secrets: {
      token: deps.config.wechatToken,
      aes: deps.config.wechatAesKey
        ? {
            key: parseEncodingAesKey(deps.config.wechatAesKey),
            previousKey: deps.config.wechatAesKeyPrevious ? parseEncodingAesKey(deps.config.wechatAesKeyPrevious) : undefined,
            appid: deps.config.wechatAppid,
          }
        : undefined,
    },
    logger: deps.logger,
    lookupDeadlineMs: deps.storeDeadlineMs,
    now: deps.wechatNow,
    refreshNow: deps.refreshWechatNow,
    unionidKey: deps.keys.unionidService,
    maxAgeS: deps.config.pushMaxAgeS,
    onOutcome: (outcome, type) => pushes.add({ outcome, type }),
  });
  const observe = (status: number, seconds: number) => latency.observe({ status }, seconds);
  return callbackRoute(service, deps.config.wechatToken, deps.logger, observe);
}
