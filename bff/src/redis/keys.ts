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
    /** Authentic pushes whose fields fail the event schema, stored as received with the reason (type `unparsed`). */
    eventsUnparsed: `${prefix}events:unparsed`,
    /** Merchant webhooks: each delivery not yet done or dead, a hash event id → JSON state. */
    webhookDeliveries: `${prefix}webhooks:deliveries`,
    /** Merchant webhooks: a sorted set of event ids by when their next attempt is due (ms). */
    webhookDue: `${prefix}webhooks:due`,
    /** Merchant webhooks: a sorted set of the dead deliveries' event ids by when they died (ms). */
    webhookDead: `${prefix}webhooks:dead`,
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
    /** Projector: a counter bumped by every write that changes what a user's lists show (their cache's version). */
    projUserVersion: (openid: string) => `${prefix}proj:user:${encodeURIComponent(openid)}:v`,
    /** Projector: an order's invoice state as JSON (getauthdata). */
    projInvoice: (orderId: string) => `${prefix}proj:invoice:${encodeURIComponent(orderId)}`,
    /** Mini Program API: the Service Account openid a Mini Program openid is linked to (bff/src/api/IDENTITY.md). */
    miniLink: (miniOpenid: string) => `${prefix}identity:mini:${encodeURIComponent(miniOpenid)}`,
    /** Mini Program API: the Mini Program openid a Service Account openid is linked to (a link is one-to-one). */
    serviceLink: (serviceOpenid: string) => `${prefix}identity:service:${encodeURIComponent(serviceOpenid)}`,
    /** Mini Program API: the Service Account openid learned for a unionid. */
    unionidService: (unionid: string) => `${prefix}identity:unionid:${encodeURIComponent(unionid)}`,
    /** Every link, a hash Service Account openid → JSON `{mini_openid, service_openid, proof, linked_at}` (/admin/identity/links). */
    identityLinks: `${prefix}identity:links`,
    /** Stream of every link change (linked, moved, proved, unlinked), who did it and when: the support audit. */
    identityAudit: `${prefix}identity:audit`,
    /** A card jump's encrypt_code, used: the Mini Program openid that proved with it (named by its SHA-256). */
    identityJump: (encryptCodeHash: string) => `${prefix}identity:jump:${encryptCodeHash}`,
    /** Mini Program API: a shelf (page/get) as JSON, short-lived. */
    shelfCache: (pageId: string) => `${prefix}api:shelf:${encodeURIComponent(pageId)}`,
    /** Mini Program API: the set of page ids cached (so the merchant's "all shelves" changes drop them all). */
    shelfCachePages: `${prefix}api:shelf:pages`,
    /** need_receipt of each shelf the merchant added or updated through this BFF (page/get does not answer it): page_id → "1" | "0". */
    shelfNeedReceipt: `${prefix}api:shelf:need-receipt`,
    /** Mini Program API: the control_info of the merchant's last maintain/set (which shelves are off sale), JSON. */
    shelfControl: `${prefix}api:shelf:control`,
    /** Prices (fen) of the cards the merchant created through this BFF: a hash card_id → price. */
    cardPrices: `${prefix}cards:price`,
    /** What else the merchant set at `/card/create`: a hash card_id → JSON `{title, notice, description}`. */
    cardInfo: `${prefix}cards:info`,
    /** What a card created through this BFF holds when bought, when its `init_balance` differs from its price: card_id → fen. */
    cardInitialBalances: `${prefix}cards:initial-balance`,
    /**
     * The go-live steps the merchant took through this BFF (002 §8), a hash: `whitelist:<sub_mch_id>` → the
     * confirmation URL, `bind:<sub_mch_id>` → wxa_appid, `wxa:<page_id>` → wxa_appid. `pnpm gc golive` reads it.
     */
    goLive: `${prefix}golive`,
    /** The shelf bound to a Mini Program by the merchant's wxa/set: JSON `{wxa_appid, page_id}`. */
    wxaShelf: (wxaAppid: string) => `${prefix}wxa:shelf:${encodeURIComponent(wxaAppid)}`,
    /** A wxticket's first checker (Mini Program openid); the name is a hash of the ticket. */
    scanTicketOwner: (ticketHash: string) => `${prefix}api:scanticket:${ticketHash}`,
    /** The latest invoice request of an order, JSON (StoredInvoiceRequest). */
    invoiceRequest: (orderId: string) => `${prefix}invoice:request:${encodeURIComponent(orderId)}`,
    /** Stream of every invoice request submitted (fields order_id, openid, request), for the merchant backend. */
    invoiceRequests: `${prefix}invoice-requests`,
    /** The merchant's anti-counterfeit codes of one product: a hash of extinfo → result. */
    antiCounterfeit: (keystandard: string, keystr: string) =>
      `${prefix}anticounterfeit:${encodeURIComponent(keystandard)}:${encodeURIComponent(keystr)}`,
    /** The till's terminals: a hash id → JSON `{id, name, created_at, key_hash}`. */
    tillTerminals: `${prefix}till:terminals`,
    /** A terminal key's SHA-256 (hex) → the terminal id; the key itself is never stored. */
    tillTerminalKey: (keyHash: string) => `${prefix}till:terminal-key:${keyHash}`,
    /** The lock that serialises every balance change of one code, across BFF processes. */
    tillLock: (code: string) => `${prefix}till:lock:${encodeURIComponent(code)}`,
    /** A code's balance change sent to WeChat whose outcome is not yet settled (JSON). */
    tillPending: (code: string) => `${prefix}till:pending:${encodeURIComponent(code)}`,
    /** What a terminal's idempotency key answered (JSON), per operation. */
    tillIdempotency: (op: 'debit' | 'reversal', terminalId: string, key: string) => `${prefix}till:idem:${op}:${terminalId}:${key}`,
    /** A redemption (debit) with its reversal, as JSON. */
    tillRedemption: (id: string) => `${prefix}till:redemption:${id}`,
    /** A code's redemptions: a sorted set of ids scored by creation time (ms). */
    tillCodeRedemptions: (code: string) => `${prefix}till:code:${encodeURIComponent(code)}:redemptions`,
    /** The ledger (CONTRACT.md "Redemption"): one stream entry per debit and per reversal. */
    redemptions: `${prefix}redemptions`,
    /** A quota's counters (rate-limiter-flexible adds `:<subject>`: an IP, a Mini Program openid). */
    rateLimit: (name: string) => `${prefix}rl:${name}`,
    /** Landing page: a wxticket's check result (JSON), named by the ticket's SHA-256, never the ticket. */
    landingTicket: (ticketHash: string) => `${prefix}landing:ticket:${ticketHash}`,
    /** Landing page: set (NX) on a wxticket's first use, to refuse replays by another browser. */
    landingTicketClaim: (ticketHash: string) => `${prefix}landing:ticket:${ticketHash}:claim`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
