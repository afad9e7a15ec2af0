import type { Logger } from '../log';
import type { RedisClient } from '../redis/connect';
import { nameScript } from '../redis/scripts';
import type { RedisKeys } from '../redis/keys';
import { isNotFound, type WechatClient } from '../wechat';
import { invoiceProjection, orderProjection, orderWrites, type InvoiceProjection, type OrderProjection, type WriteOp } from './mapping';
import { lookupCode, readOrder } from './read-order';

// Applies write ops only if KEYS[1] still holds what the caller read (ARGV[1]: '' for no key,
// '=' .. value otherwise): a compare-and-set over one order's projection, so two refreshes of the
// same order never interleave their writes. Ops from ARGV[2]: SET k v | DEL k | HSET k f v |
// HDEL k f | ZADD k score m | ZREM k m | INCR k, where k is an index into KEYS. Returns 1 applied, 0 changed.
const APPLY_IF_UNCHANGED = `
local cur = redis.call('GET', KEYS[1])
local expected = ARGV[1]
if expected == '' then
  if cur then return 0 end
elseif (not cur) or ('=' .. cur) ~= expected then
  return 0
end
local i = 2
while i <= #ARGV do
  local op = ARGV[i]
  local k = KEYS[tonumber(ARGV[i + 1])]
  if op == 'SET' then redis.call('SET', k, ARGV[i + 2]); i = i + 3
  elseif op == 'DEL' then redis.call('DEL', k); i = i + 2
  elseif op == 'HSET' then redis.call('HSET', k, ARGV[i + 2], ARGV[i + 3]); i = i + 4
  elseif op == 'HDEL' then redis.call('HDEL', k, ARGV[i + 2]); i = i + 3
  elseif op == 'ZADD' then redis.call('ZADD', k, ARGV[i + 2], ARGV[i + 3]); i = i + 4
  elseif op == 'ZREM' then redis.call('ZREM', k, ARGV[i + 2]); i = i + 3
  elseif op == 'INCR' then redis.call('INCR', k); i = i + 2
  else return redis.error_reply('unknown op ' .. tostring(op)) end
end
return 1
`;
nameScript('projector_apply_if_unchanged', APPLY_IF_UNCHANGED);

/** How long the invoice platform id (get_pay_mch s_pappid) is reused before asking again. */
const PAY_MCH_TTL_MS = 10 * 60_000;
const CAS_ATTEMPTS = 8;

export interface ProjectionWriterDeps {
  redis: RedisClient;
  keys: RedisKeys;
  client: WechatClient;
  logger: Logger;
  /** Clock for `read_at` (ms). */
  now?: () => number;
}

/**
 * Re-reads from WeChat and writes the projections: what a user sees comes from order/get, code/get
 * and getauthdata, never from an event's fields. Every refresh overwrites with WeChat's current
 * answer (idempotent); a slower, older read never replaces a newer one.
 */
export class ProjectionWriter {
  private payMch: { sPappid: string; at: number } | undefined;
  private readonly now: () => number;

  constructor(private readonly deps: ProjectionWriterDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * order/get, then code/get for each card, then the projection. Null when WeChat does not know
   * the order (a forged or mistyped id); nothing is written then. Other WeChat failures throw.
   */
  async refreshOrder(orderId: string): Promise<OrderProjection | null> {
    const { client, logger } = this.deps;
    const readAt = this.now();
    let read;
    try {
      read = await readOrder(client, orderId);
    } catch (e) {
      if (isNotFound(e)) {
        logger.warn('projector: WeChat does not know the order, nothing projected', { orderId, error: e.errmsg });
        return null;
      }
      throw e;
    }
    const { order, lookups } = read;
    return this.storeOrder(order.order_id, (prev) => orderProjection(order, lookups, readAt, prev), readAt);
  }

  /** code/get names the code's order; that order is refreshed. Null when WeChat does not know the code. */
  async refreshCode(code: string, cardId?: string): Promise<OrderProjection | null> {
    const lookup = await lookupCode(this.deps.client, code, cardId);
    if (!lookup.found) {
      this.deps.logger.warn('projector: WeChat does not know the code, nothing projected', { cardId });
      return null;
    }
    return this.refreshOrder(lookup.info.order_id);
  }

  /**
   * getauthdata for the order (with the invoice platform's s_pappid from get_pay_mch). An order
   * WeChat has no request for overwrites an existing record as `not_authorized` and creates none.
   * Null when nothing was written.
   */
  async refreshInvoice(orderId: string): Promise<InvoiceProjection | null> {
    const { client, logger, redis, keys } = this.deps;
    const readAt = this.now();
    let data = null;
    let platform = await this.invoicePlatform(false);
    for (;;) {
      if (!platform.sPappid) {
        logger.warn('projector: invoicing is not set up (get_pay_mch has no s_pappid), invoice state not read', { orderId });
        return null;
      }
      try {
        data = await client.invoice.getAuthData({ order_id: orderId, s_pappid: platform.sPappid });
        break;
      } catch (e) {
        // No authorization for the order (or, with a stale platform id, seemingly none).
        if (!isNotFound(e)) throw e;
        if (!platform.cached) break;
        // The platform may have changed since it was cached: ask get_pay_mch again, once.
        platform = await this.invoicePlatform(true);
      }
    }
    const record = invoiceProjection(orderId, data, readAt);
    const key = keys.projInvoice(orderId);
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = await redis.get(key);
      if (!data && current === null) return null;
      const prev = current === null ? null : (JSON.parse(current) as InvoiceProjection);
      if (prev && prev.read_at > record.read_at) return prev;
      if (await this.apply(key, current, [{ op: 'SET', key, value: JSON.stringify(record) }])) return record;
    }
    throw new Error(`invoice projection of order ${orderId}: kept changing under ${CAS_ATTEMPTS} writes`);
  }

  private async invoicePlatform(fresh: boolean): Promise<{ sPappid: string | null; cached: boolean }> {
    if (!fresh && this.payMch && this.now() - this.payMch.at < PAY_MCH_TTL_MS) return { sPappid: this.payMch.sPappid, cached: true };
    const res = await this.deps.client.invoice.getPayMch({});
    const sPappid = res.paymch_info?.s_pappid ?? null;
    // Not set up yet is not cached: the merchant may set it up any moment.
    this.payMch = sPappid ? { sPappid, at: this.now() } : undefined;
    return { sPappid, cached: false };
  }

  /**
   * Writes the order's projection (made from the stored one, for a REMOVED card's last holder)
   * unless a later read was stored meanwhile; compare-and-set, retried.
   */
  private async storeOrder(orderId: string, project: (prev: OrderProjection | null) => OrderProjection, readAt: number): Promise<OrderProjection> {
    const { redis, keys } = this.deps;
    const orderKey = keys.projOrder(orderId);
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = await redis.get(orderKey);
      const prev = current === null ? null : (JSON.parse(current) as OrderProjection);
      if (prev && prev.read_at > readAt) return prev;
      const next = project(prev);
      if (await this.apply(orderKey, current, orderWrites(keys, prev, next))) return next;
    }
    throw new Error(`projection of order ${orderId}: kept changing under ${CAS_ATTEMPTS} writes`);
  }

  /** Runs the ops atomically if `guardKey` still holds `expected` (null: absent). */
  private async apply(guardKey: string, expected: string | null, ops: WriteOp[]): Promise<boolean> {
    const keyIndex = new Map<string, number>([[guardKey, 1]]);
    const index = (k: string) => {
      let i = keyIndex.get(k);
      if (i === undefined) keyIndex.set(k, (i = keyIndex.size + 1));
      return String(i);
    };
    const args: string[] = [expected === null ? '' : `=${expected}`];
    for (const o of ops) {
      switch (o.op) {
        case 'SET':
          args.push('SET', index(o.key), o.value);
          break;
        case 'DEL':
          args.push('DEL', index(o.key));
          break;
        case 'HSET':
          args.push('HSET', index(o.key), o.field, o.value);
          break;
        case 'HDEL':
          args.push('HDEL', index(o.key), o.field);
          break;
        case 'ZADD':
          args.push('ZADD', index(o.key), String(o.score), o.member);
          break;
        case 'ZREM':
          args.push('ZREM', index(o.key), o.member);
          break;
        case 'INCR':
          args.push('INCR', index(o.key));
          break;
      }
    }
    const keys = [...keyIndex.keys()];
    const applied = await this.deps.redis.eval(APPLY_IF_UNCHANGED, keys.length, ...keys, ...args);
    return Number(applied) === 1;
  }
}
