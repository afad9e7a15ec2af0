import type { SandboxCallbackConfig } from '../config';
import type { EventOutbox } from '../core/outbox';
import { CallbackPusher, type RetryDelay } from './pusher';

export { CallbackPusher, wechatRetryDelay, type PushAttempt, type PushDelivery, type PushOutcome, type PusherOptions, type RetryDelay } from './pusher';
export { eventXml, familyOf, MAX_ATTEMPTS, type PushFamily } from './wire';

/**
 * What the pusher needs of the sandbox's world: the Service Account's appid, the clock, the outbox, and
 * where the running pusher is kept. The world itself starts its pusher, so this side names no world.
 */
export interface PusherHost {
  readonly config: { readonly serviceAccount: { readonly appid: string } };
  readonly clock: { now(): number };
  readonly outbox: EventOutbox;
  pusher: CallbackPusher | undefined;
}

/**
 * Starts pushing the world's events to the callback URL (the outbox's waiting events first) and
 * makes it `world.pusher`. A pusher already running is stopped first. The appid of encrypted
 * pushes is the world's Service Account; the signature timestamp is the sandbox clock.
 */
export function startPusher(
  world: PusherHost,
  callback: SandboxCallbackConfig,
  tuning: { retryDelay?: RetryDelay; maxInFlight?: number } = {},
): CallbackPusher {
  world.pusher?.stop();
  const retryDelay = tuning.retryDelay ?? callback.retryDelayMs;
  const pusher = new CallbackPusher({
    url: callback.url,
    token: callback.token,
    appid: world.config.serviceAccount.appid,
    now: () => world.clock.now(),
    ...(callback.aesKey !== undefined && { aesKey: callback.aesKey }),
    ...(callback.timeoutMs !== undefined && { timeoutMs: callback.timeoutMs }),
    ...(retryDelay !== undefined && { retryDelay }),
    ...(tuning.maxInFlight !== undefined && { maxInFlight: tuning.maxInFlight }),
  });
  world.pusher = pusher;
  pusher.attach(world.outbox);
  return pusher;
}
