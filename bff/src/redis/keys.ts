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
    /** Dead letters of every consumer group: entries that kept failing (original fields + why). */
    eventsDead: `${prefix}events:dead`,
    /** Projector (WeChat re-reads): an order as JSON, with its cards. */
    projOrder: (orderId: string) => `${prefix}proj:order:${encodeURIComponent(orderId)}`,
    /** Projector: a card (by code) as JSON. */
    projCard: (code: string) => `${prefix}proj:card:${encodeURIComponent(code)}`,
    /** Projector: a sorted set of the order ids a user bought or received, scored by create_time. */
    projUserOrders: (openid: string) => `${prefix}proj:user:${encodeURIComponent(openid)}:orders`,
    /** Projector: a hash of the cards a user holds, code → card JSON. */
    projUserCards: (openid: string) => `${prefix}proj:user:${encodeURIComponent(openid)}:cards`,
    /** Projector: an order's invoice state as JSON (getauthdata). */
    projInvoice: (orderId: string) => `${prefix}proj:invoice:${encodeURIComponent(orderId)}`,
    /** The merchant's anti-counterfeit codes of one product: a hash of extinfo → result. */
    antiCounterfeit: (keystandard: string, keystr: string) =>
      `${prefix}anticounterfeit:${encodeURIComponent(keystandard)}:${encodeURIComponent(keystr)}`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
