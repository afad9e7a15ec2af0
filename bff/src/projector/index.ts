import { parseEvent } from '@giftcard/shared';
import { PermanentFailure, StreamConsumer, type EntryHandler, type StreamConsumerOptions, type StreamEntry } from '../events/consumer';
import { trimAcknowledged, trimmedStreams } from '../events/trim';
import type { Logger } from '../log';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';
import type { WechatClient } from '../wechat';
import { projectionTarget, projectionTargets } from './mapping';
import { ProjectionStore } from './store';
import { ProjectionWriter } from './writer';

export { ProjectionStore } from './store';
export { ProjectionWriter } from './writer';
export type { CardProjection, CardView, InvoiceProjection, OrderProjection, OrderView } from './mapping';

/** The BFF's own consumer group on `<prefix>events`. */
export const PROJECTOR_GROUP = 'projector';

export interface ProjectorDeps {
  redis: RedisClient;
  keys: RedisKeys;
  /** The WeChat client (`createWechat(...).client`): every projection is a re-read through it. */
  client: WechatClient;
  logger: Logger;
  /** Consumer tuning (batch size, block, claim idle time, max deliveries, consumer name). */
  consumer?: Partial<Omit<StreamConsumerOptions, 'redis' | 'keys' | 'group' | 'handler' | 'logger'>>;
  /**
   * Also trim `events` below what every group acknowledged (`trimAcknowledged`) this often, ms.
   * Off by default: turn it on once every consumer group that must see all events (the merchant's) exists.
   */
  trimEveryMs?: number;
  /** Clock of `read_at` (ms); the app's projection store must use the same one (tests). */
  now?: () => number;
}

/**
 * The stream handler of the projector: an event is a hint naming what to re-read from WeChat.
 * Events without a handler (`projectionTargets`) are acknowledged untouched. A payload that is not
 * JSON, or a known event with bad fields, can never be projected: it goes to the dead-letter stream at once.
 */
export function projectorHandler(writer: ProjectionWriter): EntryHandler {
  return async (entry: StreamEntry) => {
    if (!projectionTargets.has(entry.type)) return;
    const parsed = parseEvent(entry.payload);
    if (!parsed.ok) throw new PermanentFailure(parsed.error.message);
    const target = projectionTarget(parsed.event);
    switch (target.kind) {
      case 'order':
        await writer.refreshOrder(target.orderId);
        return;
      case 'code':
        await writer.refreshCode(target.code, target.cardId);
        return;
      case 'invoice':
        await writer.refreshInvoice(target.orderId);
        return;
      case 'none':
        return;
    }
  };
}

export interface Projector {
  store: ProjectionStore;
  writer: ProjectionWriter;
  consumer: StreamConsumer;
  /** Creates the `projector` group if missing and starts reading; resolves once the group exists. */
  start(): Promise<void>;
  /** Stops reading and trimming, finishing the batch in hand. */
  stop(): Promise<void>;
}

/** Wires writer, store and consumer; nothing runs until `start()`. */
export function createProjector(deps: ProjectorDeps): Projector {
  const writer = new ProjectionWriter({ redis: deps.redis, keys: deps.keys, client: deps.client, logger: deps.logger, now: deps.now });
  const store = new ProjectionStore(deps.redis, deps.keys, writer);
  const consumer = new StreamConsumer({
    ...deps.consumer,
    redis: deps.redis,
    keys: deps.keys,
    group: PROJECTOR_GROUP,
    handler: projectorHandler(writer),
    logger: deps.logger,
  });
  let trimTimer: NodeJS.Timeout | undefined;
  return {
    store,
    writer,
    consumer,
    async start() {
      await consumer.start();
      if (deps.trimEveryMs) {
        trimTimer = setInterval(() => {
          for (const stream of trimmedStreams(deps.keys)) {
            trimAcknowledged(deps.redis, stream, { approximate: true }).then(
              (r) => r.trimmed > 0 && deps.logger.info('stream trimmed below what every group acknowledged', { stream, ...r }),
              (e: Error) => deps.logger.warn('stream trim failed', { stream, error: e.message }),
            );
          }
        }, deps.trimEveryMs);
        trimTimer.unref();
      }
    },
    async stop() {
      if (trimTimer) clearInterval(trimTimer);
      trimTimer = undefined;
      await consumer.stop();
    },
  };
}

/** `createProjector(deps)` started: what the BFF process runs beside the HTTP server. */
export async function startProjector(deps: ProjectorDeps): Promise<Projector> {
  const projector = createProjector(deps);
  await projector.start();
  return projector;
}
