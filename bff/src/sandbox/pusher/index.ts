import type { SandboxCallbackConfig } from '../config';
import type { SandboxWorld } from '../world';
import { CallbackPusher, type RetryDelay } from './pusher';

export { CallbackPusher, wechatRetryDelay, type PushAttempt, type PushDelivery, type PushOutcome, type PusherOptions, type RetryDelay } from './pusher';
export { eventXml, familyOf, MAX_ATTEMPTS, type PushFamily } from './wire';

/**
 * Starts pushing the world's events to the callback URL (the outbox's waiting events first) and
 * makes it `world.pusher`. A pusher already running is stopped first. The appid of encrypted
 * pushes is the world's Service Account; the signature timestamp is the sandbox clock.
 */
export function startPusher(
  world: SandboxWorld,
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
