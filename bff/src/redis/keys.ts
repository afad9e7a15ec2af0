/**
 * The one place Redis key names are built. Every key the project writes starts with REDIS_PREFIX.
 * Names carry ids (appid, openid, order id), never a secret or a token.
 */
export function redisKeys(prefix: string) {
  return {
    prefix,
    accessToken: (appid: string) => `${prefix}wechat:access_token:${appid}`,
    accessTokenLock: (appid: string) => `${prefix}wechat:access_token:${appid}:lock`,
    /** The stream of every stored push (CONTRACT.md "Redis layout"). */
    events: `${prefix}events`,
    /** Marks a push as stored; its name is a hash of the de-duplication key. */
    eventSeen: (dedupHash: string) => `${prefix}events:seen:${dedupHash}`,
    /** The merchant's anti-counterfeit codes of one product: a hash of extinfo → result. */
    antiCounterfeit: (keystandard: string, keystr: string) =>
      `${prefix}anticounterfeit:${encodeURIComponent(keystandard)}:${encodeURIComponent(keystr)}`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
