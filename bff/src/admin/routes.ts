import { PassThrough } from 'node:stream';
import Router, { type RouterMiddleware } from '@koa/router';
import type Koa from 'koa';
import { HttpError } from '../http/errors';
import { readJsonObject, readRawBody } from '../http/json-body';
import type { ProjectionStore } from '../projector';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';
import { AntiCounterfeitRegistry } from '../services/anti-counterfeit';
import { CardCatalog } from '../services/card-catalog';
import { collectOrders, planOrderExport, type OrderExportPage, type OrderExportSummary } from '../services/order-export';
import { WechatError, type WechatClient } from '../wechat';
import { bearerAuth } from './auth';
import type { RateLimits } from '../http/rate-limit';
import { invalidRequest } from '../http/issues';
import { serveRouter } from '../http/serve-router';
import { wechatHttpError } from '../http/wechat-errors';
import { ADMIN_OPERATIONS, type EndpointName, type Operation } from './operations';
import { ADMIN_SERVICES, orderExport, type ServiceDeps } from './services';
import type { RefundPolicy } from '../services/refund-policy';
import { WebhookStore } from '../webhooks/store';
import type { ShelfCache } from '../api/shelf-cache';

export interface AdminDeps {
  config: { adminToken: string; refundPolicy: RefundPolicy; wxaAppid: string };
  wechat: { client: WechatClient };
  redis: RedisClient;
  keys: RedisKeys;
  /** Called after a WeChat operation succeeded, with its endpoint, request and answer (shelf cache, wxa binding, card prices). */
  afterWechatCall?: (endpoint: EndpointName, input: unknown, result: unknown) => Promise<void>;
  /** The projections: the refund policy reads the order through them. */
  projections: Pick<ProjectionStore, 'order' | 'refreshOrder'>;
  /**
   * Runs a change of these codes under the till's per-code locks (balance updates, consumes,
   * refunds), so a merchant's change never interleaves with a till's debit.
   */
  serialise: <T>(codes: readonly string[], fn: () => Promise<T>) => Promise<T>;
  /** need_receipt of the shelves the merchant added or updated (page/get does not answer it); the go-live steps taken; on sale. */
  shelves: Pick<ShelfCache, 'needReceipt' | 'goLiveSteps' | 'onSale'>;
  /** Merchant routes that are not WeChat operations (the till's terminals), added under /admin behind the same token. */
  extraRoutes?: (router: Router) => void;
  /** Quotas: failed tokens per client IP. */
  limits: RateLimits;
}

/** Anti-counterfeit import of 10,000 codes of 128 characters fits with room to spare. */
const BODY_LIMIT = '4mb';

/** One line of `POST /admin/orders/export` with `Accept: application/x-ndjson`. */
export type ExportStreamLine =
  | { type: 'plan'; windows: { begin_time: number; end_time: number }[] }
  | ({ type: 'progress' } & OrderExportPage['progress'])
  | { type: 'order'; order: OrderExportPage['orders'][number] }
  | ({ type: 'done' } & OrderExportSummary)
  | { type: 'error'; error: { code: string; message: string } & Record<string, unknown> };

/**
 * The merchant API (CONTRACT.md "Merchant API"): every operation of `ADMIN_OPERATIONS` under
 * `/admin`, behind the bearer token. Everything under /admin is authenticated first, so an unknown
 * path answers 401 to a stranger and 404 only to the merchant.
 */
export function adminApi(deps: AdminDeps): Koa.Middleware {
  const services: ServiceDeps = {
    wechat: deps.wechat.client,
    registry: new AntiCounterfeitRegistry(deps.redis, deps.keys),
    webhooks: new WebhookStore(deps.redis, deps.keys),
    refunds: {
      policy: deps.config.refundPolicy,
      projections: deps.projections,
      catalog: new CardCatalog(deps.redis, deps.keys),
      // A refund is a WeChat change like the others: the same hook follows it (projections refreshed).
      afterRefund: async (input, result) => deps.afterWechatCall?.('order.refundOrder', input, result),
      serialise: deps.serialise,
    },
    shelves: {
      needReceipt: (pageId) => deps.shelves.needReceipt(pageId),
      afterUpdate: async (request, result) => deps.afterWechatCall?.('giftcard.updatePage', request, result),
    },
    goLive: {
      steps: () => deps.shelves.goLiveSteps(),
      onSale: (pageId) => deps.shelves.onSale(pageId),
      wxaAppid: deps.config.wxaAppid,
    },
  };
  // 'specificity': `/submerchants/categories` wins over `/submerchants/:merchant_id`.
  const router = new Router({ prefix: '/admin', exclusive: 'specificity' });
  deps.extraRoutes?.(router);
  for (const op of ADMIN_OPERATIONS) {
    const handle = operationHandler(op, services, deps.afterWechatCall, deps.serialise);
    if (op.method === 'GET') router.get(op.path, handle);
    else if (op.method === 'POST') router.post(op.path, handle);
    else if (op.method === 'PUT') router.put(op.path, handle);
    else router.delete(op.path, handle);
  }
  const auth = bearerAuth(deps.config.adminToken, deps.limits);
  const routes = router.routes();
  return async (ctx, next) => {
    if (ctx.path !== '/admin' && !ctx.path.startsWith('/admin/')) return next();
    // A WeChat failure of any admin route (the till's and identity's included) is answered by the one table.
    await auth(ctx, () => serveRouter(router, routes, ctx, next, 'merchant API'));
  };
}

function operationHandler(op: Operation, services: ServiceDeps, afterWechatCall: AdminDeps['afterWechatCall'], serialise: AdminDeps['serialise']): RouterMiddleware {
  return async (ctx) => {
    const input = await readInput(ctx, op);
    if ('endpoint' in op.target) {
      const endpoint = op.target.endpoint;
      const code = (input as { code?: unknown }).code;
      const call = () => callEndpoint(services.wechat, endpoint, input);
      // A change of one code's balance or state runs under the till's lock on that code.
      const result = op.serialise === 'code' && typeof code === 'string' ? await serialise([code], call) : await call();
      await afterWechatCall?.(op.target.endpoint, input, result);
      ctx.body = result;
    } else if (op.target.service === 'orders.export') {
      await exportRoute(ctx, input, services);
    } else {
      const svc = ADMIN_SERVICES[op.target.service];
      const parsed = svc.input.safeParse(input);
      if (!parsed.success) throw invalidRequest(`${op.area} ${op.name}: the input breaks its limits`, parsed.error.issues);
      ctx.body = await svc.run(parsed.data, services);
      if (op.status) ctx.status = op.status;
    }
  };
}

/**
 * One flat object from the path, the query (GET) or the JSON body (others); path parameters win.
 * The endpoint's own request schema checks it (in the request core) before WeChat is called.
 */
async function readInput(ctx: Koa.Context, op: Operation): Promise<Record<string, unknown>> {
  if (op.upload) return { [op.upload]: await readUpload(ctx) };
  const fromRequest = op.method === 'GET' ? { ...ctx.query } : await readJsonObject(ctx, BODY_LIMIT);
  const flat: Record<string, unknown> = { ...op.defaults, ...fromRequest, ...(ctx.params as Record<string, string>) };
  for (const [field, type] of Object.entries(op.coerce ?? {})) flat[field] = coerce(flat[field], type);
  return op.nest ? { [op.nest]: flat } : flat;
}

/** WeChat's own cap on an image (1 MB), with room: a larger one is WeChat's to refuse (40009). */
const UPLOAD_LIMIT = '2mb';

/** The request body as a file part (shared `mediaFile`): bytes, Content-Type, `?filename=`. */
async function readUpload(ctx: Koa.Context): Promise<{ filename: string; contentType: string; data: Uint8Array }> {
  const data = await readRawBody(ctx, UPLOAD_LIMIT);
  const filename = typeof ctx.query.filename === 'string' && ctx.query.filename ? ctx.query.filename : 'upload';
  return { filename, contentType: ctx.get('content-type') || 'application/octet-stream', data: new Uint8Array(data) };
}

/** A string that reads as the type becomes it; anything else is left for the schema to refuse. */
function coerce(value: unknown, type: 'number' | 'boolean'): unknown {
  if (typeof value !== 'string') return value;
  if (type === 'number') return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  return value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
}

/** WeChat's answer without errcode/errmsg; `{ok: true}` for the calls that answer nothing else. */
async function callEndpoint(client: WechatClient, endpoint: EndpointName, input: unknown): Promise<Record<string, unknown>> {
  const [area, method] = endpoint.split('.') as [keyof WechatClient, string];
  const call = (client[area] as unknown as Record<string, (req: unknown) => Promise<Record<string, unknown>>>)[method]!;
  const { errcode: _c, errmsg: _m, ...result } = await call(input);
  return Object.keys(result).length ? result : { ok: true };
}

/**
 * `{orders, windows, pages}` as one JSON document, or with `Accept: application/x-ndjson` a line
 * per page's progress and per order as they come (what the CLI's progress bar reads). The first
 * page is read before the answer starts, so an input or WeChat error still gets its own status;
 * an error after that can only be the last line.
 */
async function exportRoute(ctx: Koa.Context, input: unknown, services: ServiceDeps): Promise<void> {
  const parsed = orderExport.input.safeParse(input);
  if (!parsed.success) throw invalidRequest('orders export: the range breaks its limits', parsed.error.issues);
  const pages = orderExport.pages(parsed.data, services);
  if (ctx.accepts('application/json', 'application/x-ndjson') !== 'application/x-ndjson') {
    ctx.body = await collectOrders(pages);
    return;
  }
  const first = await pages.next();
  const out = new PassThrough();
  // The response closing before it finished is the client going away: stop calling WeChat.
  let closed = false;
  const gone = new Promise<void>((resolve) =>
    ctx.res.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  const write = async (line: ExportStreamLine) => {
    if (!out.write(`${JSON.stringify(line)}\n`)) await Promise.race([new Promise((resolve) => out.once('drain', resolve)), gone]);
  };
  ctx.type = 'application/x-ndjson';
  ctx.body = out;
  const { begin_time, end_time, sort_type } = parsed.data;
  void (async () => {
    try {
      await write({ type: 'plan', windows: planOrderExport(begin_time, end_time, sort_type) });
      for (let next = first; ; next = await pages.next()) {
        if (closed) {
          await pages.return(undefined as never);
          return;
        }
        if (next.done) {
          await write({ type: 'done', ...next.value });
          break;
        }
        await write({ type: 'progress', ...next.value.progress });
        for (const order of next.value.orders) await write({ type: 'order', order });
      }
    } catch (e) {
      const err = e instanceof WechatError ? wechatHttpError(e, 'merchant') : new HttpError(500, 'internal', 'internal error');
      await write({ type: 'error', error: { code: err.code, message: err.message, ...err.extra } }).catch(() => undefined);
    } finally {
      out.end();
    }
  })();
}
