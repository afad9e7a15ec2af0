import { wechatApi, type WechatApi, type WechatArea } from '@giftcard/shared';

/**
 * The merchant API as data: one line per operation. The HTTP routes (`routes.ts`) and the
 * command-line client (`../cli`) are both built from this table, so a route, its CLI command and
 * its help line cannot drift apart. Pure data (no Koa, no Redis): the CLI imports it as is.
 */

/** `area.method` of an endpoint of the shared WeChat tables, e.g. `scan.getProduct`. */
export type EndpointName = { [A in WechatArea]: `${A}.${keyof WechatApi[A] & string}` }[WechatArea];

/** The operations that are more than one WeChat call (see `services.ts`). */
export type ServiceName =
  | 'orders.get'
  | 'orders.export'
  | 'orders.refund'
  | 'shelves.update'
  | 'shelves.golive'
  | 'submerchants.list'
  | 'anticounterfeit.import'
  | 'anticounterfeit.query'
  | 'anticounterfeit.delete'
  | 'webhooks.failed'
  | 'webhooks.replay';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Operation {
  /** CLI: `pnpm gc <area> <name>`. */
  area: string;
  name: string;
  method: HttpMethod;
  /** Under `/admin`. Path parameters carry WeChat's field names, so input stays one flat object. */
  path: string;
  /** One WeChat endpoint, called with the input, or a service. */
  target: { endpoint: EndpointName } | { service: ServiceName; uses: readonly EndpointName[] };
  /** The input goes under this key of the WeChat request (`{card: …}`, `{page: …}`, `{info: …}`). */
  nest?: string;
  /** Path and query values arrive as strings: these fields are turned into numbers or booleans. */
  coerce?: Readonly<Record<string, 'number' | 'boolean'>>;
  /** Values for fields the caller left out. */
  defaults?: Readonly<Record<string, unknown>>;
  /** One line of help; for WeChat endpoints the spec section comes from the endpoint table. */
  summary: string;
  /** Answers NDJSON progress when asked (`Accept: application/x-ndjson`). */
  streams?: boolean;
  /** The success status when not 200 (202 for work accepted and done in the background). */
  status?: 201 | 202;
  /**
   * The request body is a file, not JSON: it becomes this field of the input (a `mediaFile`: the
   * body's bytes, its Content-Type, `?filename=`). The CLI sends the FILE it is given.
   */
  upload?: string;
  /**
   * `'code'`: the operation changes the balance or state of the request's `code`, so it runs under
   * the till's lock on that code (AdminDeps.serialise): a merchant's change never interleaves with
   * a till's debit.
   */
  serialise?: 'code';
}

type Extra = Partial<Pick<Operation, 'nest' | 'coerce' | 'defaults' | 'streams' | 'status' | 'upload' | 'serialise'>> & { summary?: string };

/** An operation that is one WeChat call: its help line is the endpoint's own spec reference. */
function wechat(area: string, name: string, method: HttpMethod, path: string, endpoint: EndpointName, extra: Extra = {}): Operation {
  const [a, m] = endpoint.split('.') as [WechatArea, string];
  const spec = (wechatApi[a] as Record<string, { spec: string }>)[m]!.spec;
  return { area, name, method, path, target: { endpoint }, ...extra, summary: extra.summary ?? spec };
}

function service(area: string, name: string, method: HttpMethod, path: string, svc: ServiceName, uses: EndpointName[], summary: string, extra: Extra = {}): Operation {
  return { area, name, method, path, target: { service: svc, uses }, summary, ...extra };
}

const KEY = '/products/:keystandard/:keystr';

export const ADMIN_OPERATIONS: readonly Operation[] = [
  // Scan products (spec 000) and the anti-counterfeit codes the scan_product_callback answers from.
  wechat('products', 'get', 'GET', KEY, 'scan.getProduct'),
  wechat('products', 'list', 'GET', '/products', 'scan.listProducts', { defaults: { offset: 0, limit: 100 } }),
  wechat('products', 'update', 'PUT', KEY, 'scan.updateProduct'),
  wechat('products', 'clear', 'DELETE', KEY, 'scan.clearProduct'),
  wechat('products', 'clear-scan-record', 'POST', `${KEY}/scan-records/clear`, 'scan.clearScanRecord'),
  service('anticounterfeit', 'import', 'POST', `${KEY}/codes`, 'anticounterfeit.import', [], 'import codes with their result (real|fake|not_active), up to 10,000 a request'),
  service('anticounterfeit', 'query', 'POST', `${KEY}/codes/query`, 'anticounterfeit.query', [], 'the result of the given codes (unknown: not_active) and the count'),
  service('anticounterfeit', 'delete', 'POST', `${KEY}/codes/delete`, 'anticounterfeit.delete', [], 'delete the given codes'),

  // Gift cards, shelves, WeChat Pay, the Mini Program (spec 002 §6–§8); their pictures first (§6.1).
  wechat('images', 'upload', 'POST', '/images', 'media.uploadImage', { upload: 'buffer' }),
  wechat('cards', 'create', 'POST', '/cards', 'giftcard.createCard', { nest: 'card' }),
  wechat('shelves', 'add', 'POST', '/shelves', 'giftcard.addPage', { nest: 'page' }),
  wechat('shelves', 'list', 'GET', '/shelves', 'giftcard.batchGetPages'),
  wechat('shelves', 'get', 'GET', '/shelves/:page_id', 'giftcard.getPage'),
  service(
    'shelves',
    'update',
    'PUT',
    '/shelves/:page_id',
    'shelves.update',
    ['giftcard.getPage', 'giftcard.updatePage'],
    'change some of a shelf\'s fields: the shelf is read (002 §7.3), the change applied and the whole page sent (§7.4 requires every field); need_receipt kept as last sent',
  ),
  wechat('shelves', 'maintain', 'POST', '/shelves/maintain', 'giftcard.setMaintain'),
  service(
    'shelves',
    'golive',
    'GET',
    '/shelves/:page_id/golive',
    'shelves.golive',
    ['giftcard.getPage'],
    'which step of the go-live path (002 §7.2 note 4, §8) the shelf still misses: on sale, pay whitelist, confirmation, bind, wxa/set; the review is the back office\'s (also `pnpm gc golive --page <page_id>`)',
  ),
  wechat('pay', 'whitelist', 'POST', '/pay/whitelist', 'giftcard.addPayWhitelist'),
  wechat('pay', 'bind', 'POST', '/pay/bind', 'giftcard.bindPaySubMch'),
  wechat('wxa', 'set', 'POST', '/wxa', 'giftcard.setWxa'),

  // Orders and refunds (002 §9, §12.2.1).
  service('orders', 'get', 'GET', '/orders/:order_id', 'orders.get', ['order.getOrder', 'code.getCode'], 'the order (002 §9.1) and its state: paid, or refunded (every card left the card pack)'),
  service('orders', 'export', 'POST', '/orders/export', 'orders.export', ['order.batchGetOrders'], 'every order created in [begin_time, end_time]: windows of ≤ 31 days, pages of ≤ 100 (002 §9.2)', { streams: true }),
  service(
    'orders',
    'refund',
    'POST',
    '/orders/:order_id/refund',
    'orders.refund',
    ['order.getOrder', 'code.getCode', 'order.refundOrder'],
    'refund the order (002 §12.2.1) if REFUND_POLICY allows it (unused: every card unused and still the buyer\'s); a refusal is 409 refund_refused naming each card',
  ),

  // Codes: query, balance, consume (002 §11), and the encrypt_code of card-button jumps (§14.1).
  wechat('codes', 'get', 'GET', '/codes/:code', 'code.getCode', { coerce: { check_consume: 'boolean' } }),
  wechat('codes', 'decrypt', 'POST', '/codes/decrypt', 'code.decryptCode'),
  wechat('codes', 'balance', 'POST', '/codes/:code/balance', 'code.updateUserBalance', { serialise: 'code' }),
  wechat('codes', 'consume', 'POST', '/codes/:code/consume', 'code.consumeCode', { serialise: 'code' }),

  // Invoicing after payment (002 §12.2.2).
  wechat('invoice', 'set-pay-mch', 'PUT', '/invoice/pay-mch', 'invoice.setPayMch', { nest: 'paymch_info' }),
  wechat('invoice', 'get-pay-mch', 'GET', '/invoice/pay-mch', 'invoice.getPayMch'),
  wechat('invoice', 'set-auth-field', 'PUT', '/invoice/auth-field', 'invoice.setAuthField', { nest: 'auth_field' }),
  wechat('invoice', 'get-auth-field', 'GET', '/invoice/auth-field', 'invoice.getAuthField'),
  wechat('invoice', 'auth-data', 'GET', '/invoice/orders/:order_id/auth', 'invoice.getAuthData'),

  // Sub-merchants (003 §1).
  wechat('submerchants', 'submit', 'POST', '/submerchants', 'submerchant.submit', { nest: 'info' }),
  service('submerchants', 'list', 'GET', '/submerchants', 'submerchants.list', ['submerchant.batchGet'], 'every sub-merchant (optionally of one status), following next_begin_id (003 §1.6)'),
  wechat('submerchants', 'categories', 'GET', '/submerchants/categories', 'submerchant.getApplyProtocol'),
  wechat('submerchants', 'get', 'GET', '/submerchants/:merchant_id', 'submerchant.get', { coerce: { merchant_id: 'number' } }),
  wechat('submerchants', 'update', 'PUT', '/submerchants/:merchant_id', 'submerchant.update', { nest: 'info', coerce: { merchant_id: 'number' } }),

  // Merchant webhooks (CONTRACT.md "Merchant webhooks"): dead deliveries and their replay.
  service('webhooks', 'failed', 'GET', '/webhooks/failed', 'webhooks.failed', [], 'deliveries that never got a 2xx within MERCHANT_WEBHOOK_GIVE_UP_S: id, type, attempts, last_error, last_attempt_at (ms)', {
    coerce: { limit: 'number' },
  }),
  service('webhooks', 'replay', 'POST', '/webhooks/replay', 'webhooks.replay', [], 'deliver dead webhooks again: {"ids":[…]} or {"all":true}; 202 {replayed:N}', { status: 202 }),
];

/**
 * Endpoints with no merchant operation: credentials (the request core's business) and the wxticket
 * check, which the product landing page makes for the user who scanned.
 */
export const NOT_MERCHANT_OPERATIONS: readonly EndpointName[] = [
  'auth.getToken',
  'auth.getStableToken',
  'auth.jscode2session',
  'scan.checkTicket',
];

/** `/admin/products/:keystandard/:keystr` → `['keystandard', 'keystr']`. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);
}

export function findOperation(area: string, name: string): Operation | undefined {
  return ADMIN_OPERATIONS.find((o) => o.area === area && o.name === name);
}
