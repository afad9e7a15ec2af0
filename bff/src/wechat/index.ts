import { authEndpoints } from '@giftcard/shared';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';
import { AccessTokenManager } from './access-token';
import { bindWechatClient, type WechatClient } from './client';
import { WechatRequestCore, type RequestCoreOptions } from './request-core';

export { WechatError, isWechatError } from './error';
export { classifyWechatFailure, isNotFound, isTransientWechatFailure, wechatFailureOf, type WechatFailure } from './failure';
export type { WechatClient } from './client';

export interface WechatSetup {
  baseUrl: string;
  appid: string;
  secret: string;
  redis: RedisClient;
  keys: RedisKeys;
  timeoutMs?: number;
  busyRetries?: number;
  busyBackoffMs?: number;
  onCall?: RequestCoreOptions['onCall'];
}

export interface Wechat {
  client: WechatClient;
  tokens: AccessTokenManager;
  core: WechatRequestCore;
}

/**
 * Wires the client: the request core asks the token manager for tokens, and the token manager
 * issues them through the same core's `stable_token` call (so both share timeouts and errors).
 */
export function createWechat(setup: WechatSetup): Wechat {
  let tokens: AccessTokenManager | undefined;
  const core = new WechatRequestCore({
    baseUrl: setup.baseUrl,
    timeoutMs: setup.timeoutMs,
    busyRetries: setup.busyRetries,
    busyBackoffMs: setup.busyBackoffMs,
    onCall: setup.onCall,
    tokens: { get: () => tokens!.get(), invalidate: (t) => tokens!.invalidate(t) },
  });
  tokens = new AccessTokenManager({
    redis: setup.redis,
    keys: setup.keys,
    appid: setup.appid,
    issue: async () => {
      const r = await core.call(authEndpoints.getStableToken, { appid: setup.appid, secret: setup.secret });
      return { token: r.access_token, expiresIn: r.expires_in };
    },
  });
  return { client: bindWechatClient(core), tokens, core };
}
