import Router from '@koa/router';
import {
  cardParams,
  invoiceRequestInput,
  openCardRequest,
  orderParams,
  ordersQuery,
  scanCheckRequest,
  sessionRequest,
  shelfParams,
  type BoundShelfResponse,
  type CardHistoryResponse,
  type InvoiceResponse,
  type OrderResponse,
  type StoredInvoiceRequest,
  type ShelfResponse,
} from '@giftcard/shared/api';
import type Koa from 'koa';
import type { z } from 'zod';
import { HttpError } from '../http/errors';
import { readJsonObject } from '../http/json-body';
import type { RateLimits } from '../http/rate-limit';
import { parseInput as parse } from '../http/parse';
import type { Logger } from '../log';
import { ProjectionStore, ProjectionWriter } from '../projector';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';
import { InvoiceRequests } from '../services/invoice-requests';
import { INVOICE_NOT_OFFERED, invoiceOffered } from '../services/invoice-offer';
import { isNotFound, wechatFailureOf, WechatError, type WechatClient } from '../wechat';
import { orderDisclosure } from '../policy';
import { afterSalesLinks } from './after-sales';
import { ListCache } from './list-cache';
import { cardByCode, cardFromProjection, openCard, orderFromView } from './cards';
import { IdentityLinks } from './identity';
import { checkScanTicket } from './scan';
import { SessionService, SessionTokens, sessionAuth } from './session';
import { ShelfCache } from './shelf-cache';
import { wechatHttpError } from '../http/wechat-errors';
import { CardCatalog } from '../services/card-catalog';
import type { StoredRedemption } from '../till/store';
import { historyOf } from './card-history';

export interface MiniApiDeps {
  config: { sessionSecret: string; wxaAppid: string; wxaSecret: string };
  redis: RedisClient;
  keys: RedisKeys;
  wechat: { client: WechatClient };
  logger: Logger;
  /** The projector's store; one over the same Redis is made when not given. */
  projections?: ProjectionStore;
  /** The till's debits of a code, newest first (the card's spending history). */
  cardHistory: (code: string) => Promise<StoredRedemption[]>;
  /** Session clock, Unix seconds (tests). */
  now?: () => number;
  /** Quotas: logins per client IP, requests per session, invoice requests per user. */
  limits?: RateLimits;
}

const BODY_LIMIT = '16kb';

/**
 * The Mini Program API (CONTRACT.md "Mini Program API") under /api. Routes only parse, call one
 * service and shape the answer; who may see what is decided in the services (IDENTITY.md).
 */
export function createMiniApi(deps: MiniApiDeps) {
  const { redis, keys } = deps;
  const client = deps.wechat.client;
  const identity = new IdentityLinks(redis, keys);
  const tokens = new SessionTokens(deps.config.sessionSecret, deps.now);
  const sessions = new SessionService({ client, wxaAppid: deps.config.wxaAppid, wxaSecret: deps.config.wxaSecret, tokens, identity });
  const shelves = new ShelfCache(redis, keys, client);
  const cards = new CardCatalog(redis, keys);
  const invoices = new InvoiceRequests(redis, keys);
  const store = deps.projections ?? new ProjectionStore(redis, keys, new ProjectionWriter({ redis, keys, client, logger: deps.logger }));

  const cardDeps = { client, identity, catalog: cards, projections: store };
  const lists = new ListCache(redis, keys, { maxAgeMs: store.maxAgeMs, now: store.clock });

  const router = new Router({ prefix: '/api' });
  const auth = sessionAuth(tokens);
  const me = (ctx: Koa.Context) => ctx.state.miniOpenid as string;
  /** The user's Service Account openid; null (sees nothing) until linked. */
  const serviceOf = (ctx: Koa.Context) => identity.serviceOpenidOf(me(ctx));
  /** The order when the user bought it or holds a card of it; otherwise 404, whatever exists. */
  const orderOf = async (ctx: Koa.Context, orderId: string) => {
    const service = await serviceOf(ctx);
    const view = service === null ? null : await store.freshOrderFor(service, orderId);
    if (!view || service === null) throw new HttpError(404, 'not_found', 'no such order');
    return { service, view };
  };
  /** Invoices are the buyer's alone (a receiver of one card sees the order, not its invoice). */
  const boughtOrder = async (ctx: Koa.Context, orderId: string) => {
    const o = await orderOf(ctx, orderId);
    if (!orderDisclosure(o.view.role).invoice) throw new HttpError(404, 'not_found', 'no such order');
    return o;
  };
  /**
   * What the order's shelf offers after the sale: its after-sales cells for the buyer (null: not this
   * user's) and the merchant's phone for anyone of the order; none when the shelf cannot be read (the order still shows).
   */
  const afterSalesOf = async (order: { order_id: string; page_id: string }, buyer: string | null) => {
    try {
      const page = await shelves.get(order.page_id);
      return { after_sales: buyer === null ? [] : afterSalesLinks(page, order.order_id, buyer), service_phone: page.service_phone?.trim() || null };
    } catch (e) {
      deps.logger.warn('api: after-sales links not read', { orderId: order.order_id, pageId: order.page_id, error: (e as Error).message });
      return { after_sales: [], service_phone: null };
    }
  };
  /** §12.2.2: not refunded, and the shelf's need_receipt (unknown: offered; services/invoice-offer.ts). */
  const isInvoiceOffered = (order: { page_id: string; state: 'paid' | 'refunded' }) => invoiceOffered(shelves, order);
  const invoiceOf = async (orderId: string, service: string, order: { page_id: string; state: 'paid' | 'refunded' }): Promise<InvoiceResponse> => {
    let auth = await store.invoiceOf(orderId);
    if (!auth) auth = await store.refreshInvoice(orderId).catch((e: Error) => (deps.logger.warn('api: invoice state not read', { orderId, error: e.message }), null));
    const stored = await invoices.get(orderId);
    return {
      order_id: orderId,
      offered: await isInvoiceOffered(order),
      authorization: auth && { state: auth.state, invoice_status: auth.invoice_status, auth_time: auth.auth_time },
      request: stored && stored.openid === service ? withoutOpenid(stored) : null,
    };
  };

  router.post('/session', async (ctx) => {
    // Each code, good or bad, costs a jscode2session call.
    await deps.limits?.hit('loginPerIp', ctx.ip);
    const { code } = await bodyOf(ctx, sessionRequest);
    ctx.body = await sessions.login(code);
  });

  router.use(auth);
  router.use(async (ctx, next) => {
    await deps.limits?.hit('apiPerSession', me(ctx));
    await next();
  });

  /** The shelf with the prices the BFF knows and whether it sells; 404 for a page WeChat does not know. */
  const shelfOf = async (pageId: string): Promise<ShelfResponse> => {
    try {
      const [page, onSale] = await Promise.all([shelves.get(pageId), shelves.onSale(pageId)]);
      const prices = await cards.prices(page.theme_list.flatMap((t) => t.item_list.map((i) => i.card_id)));
      return { page_id: pageId, page, prices, on_sale: onSale };
    } catch (e) {
      if (isNotFound(e) || wechatFailureOf(e) === 'invalid_request') throw new HttpError(404, 'not_found', 'no such shelf');
      throw e;
    }
  };

  // The bound shelf whole: the app's first page needs this one call.
  router.get('/shelf', async (ctx) => {
    const bound = await shelves.bound(deps.config.wxaAppid);
    if (!bound) throw new HttpError(404, 'not_found', 'no shelf is bound to this Mini Program');
    ctx.body = { wxa_appid: bound.wxa_appid, ...(await shelfOf(bound.page_id)) } satisfies BoundShelfResponse;
  });
  router.get('/shelves/:pageId', async (ctx) => {
    const { pageId } = parse(shelfParams, ctx.params);
    ctx.body = await shelfOf(pageId);
  });

  router.post('/cards/open', async (ctx) => {
    ctx.body = await openCard(cardDeps, me(ctx), await bodyOf(ctx, openCardRequest));
  });
  // Refunded cards stay listed (status REMOVED, balance null): the holder sees them as refunded.
  router.get('/cards', async (ctx) => {
    const service = await serviceOf(ctx);
    if (service === null) {
      ctx.body = { cards: [] };
      return;
    }
    ctx.type = 'json';
    ctx.body = await lists.json(service, 'cards', async () => {
      const held = await store.freshCardsOf(service);
      const ids = held.map((c) => c.card_id);
      const [infos, faces] = await Promise.all([cards.infos(ids), cards.faceValues(ids)]);
      return { body: { cards: held.map((c) => cardFromProjection(c, infos, faces)) }, readAts: held.filter((c) => c.status !== 'REMOVED').map((c) => c.read_at) };
    });
  });

  router.get('/cards/:code', async (ctx) => {
    const { code } = parse(cardParams, ctx.params);
    ctx.body = await cardByCode(cardDeps, me(ctx), code);
  });

  router.get('/cards/:code/history', async (ctx) => {
    const { code } = parse(cardParams, ctx.params);
    // The holder's own card only, as WeChat says now (the projection may lag a gift just accepted); a
    // refunded card keeps its last holder (its history stays theirs). Anyone else: 404.
    await cardByCode(cardDeps, me(ctx), code);
    ctx.body = { history: historyOf(await deps.cardHistory(code)) } satisfies CardHistoryResponse;
  });

  router.get('/orders', async (ctx) => {
    const page = parse(ordersQuery, ctx.query);
    const service = await serviceOf(ctx);
    if (service === null) {
      ctx.body = { total: 0, offset: page.offset, limit: page.limit, orders: [] };
      return;
    }
    ctx.type = 'json';
    ctx.body = await lists.json(service, `orders:${page.offset}:${page.limit}`, async () => {
      const { total, orders } = await store.freshOrdersOf(service, page);
      const infos = await cards.infos(orders.flatMap((o) => o.cards.map((c) => c.card_id)));
      return {
        body: { total, offset: page.offset, limit: page.limit, orders: orders.map((o) => orderFromView(o, infos)) },
        readAts: orders.filter((o) => o.state !== 'refunded').map((o) => o.read_at),
      };
    });
  });
  router.get('/orders/:orderId', async (ctx) => {
    const { orderId } = parse(orderParams, ctx.params);
    const { service, view } = await orderOf(ctx, orderId);
    const infos = await cards.infos(view.cards.map((c) => c.card_id));
    const invoice_offered = orderDisclosure(view.role).invoice && (await isInvoiceOffered(view));
    ctx.body = { ...orderFromView(view, infos), ...(await afterSalesOf(view, orderDisclosure(view.role).afterSales ? service : null)), invoice_offered } satisfies OrderResponse;
  });
  router.get('/orders/:orderId/invoice', async (ctx) => {
    const { orderId } = parse(orderParams, ctx.params);
    const { service, view } = await boughtOrder(ctx, orderId);
    ctx.body = await invoiceOf(orderId, service, view);
  });
  router.post('/orders/:orderId/invoice', async (ctx) => {
    const { orderId } = parse(orderParams, ctx.params);
    await deps.limits?.hit('invoicePerUser', me(ctx));
    const input = await bodyOf(ctx, invoiceRequestInput);
    const { service, view } = await boughtOrder(ctx, orderId);
    if (!(await isInvoiceOffered(view))) throw new HttpError(409, 'invoice_not_offered', INVOICE_NOT_OFFERED);
    await invoices.submit(orderId, service, input);
    ctx.status = 201;
    ctx.body = await invoiceOf(orderId, service, view);
  });

  router.post('/scan/check', async (ctx) => {
    ctx.body = await checkScanTicket({ client, redis, keys, identity }, me(ctx), await bodyOf(ctx, scanCheckRequest));
  });

  const routes = router.routes();
  const middleware: Koa.Middleware = async (ctx, next) => {
    if (ctx.path !== '/api' && !ctx.path.startsWith('/api/')) return next();
    // Answers carry card codes and balances: never cached by anyone, never sniffed; errors included.
    ctx.set('Cache-Control', 'no-store');
    ctx.set('X-Content-Type-Options', 'nosniff');
    const match = router.match(ctx.path, ctx.method);
    if (!match.route) {
      if (match.path.every((l) => l.methods.length === 0)) throw new HttpError(404, 'not_found', `no route ${ctx.method} ${ctx.path}`);
      ctx.set('Allow', [...new Set(match.path.flatMap((l) => l.methods))].join(', '));
      throw new HttpError(405, 'method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}`);
    }
    try {
      await routes(ctx as never, next);
    } catch (e) {
      // The Mini Program API's error boundary: WeChat's failures the routes did not handle, answered
      // by the one table (http/wechat-errors.ts) in the consumer's words; WeChat's own in the log.
      if (!(e instanceof WechatError)) throw e;
      deps.logger.warn('api: WeChat call failed', { path: ctx.path, endpoint: e.endpoint, kind: e.kind, errcode: e.errcode, errmsg: e.errmsg });
      throw wechatHttpError(e, 'consumer');
    }
  };
  return { middleware, shelves, cards, identity, tokens, invoices };
}

function withoutOpenid(stored: StoredInvoiceRequest): InvoiceResponse['request'] {
  const { openid: _openid, ...rest } = stored;
  return rest;
}

/** The request's JSON body (at most BODY_LIMIT) through its schema. */
async function bodyOf<S extends z.ZodType>(ctx: Koa.Context, schema: S): Promise<z.infer<S>> {
  return parse(schema, await readJsonObject(ctx, BODY_LIMIT));
}

