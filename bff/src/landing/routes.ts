import Router from '@koa/router';
import type Koa from 'koa';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';
import type { Wechat } from '../wechat';
import { HttpError } from '../http/errors';
import { readRawBody } from '../http/json-body';
import { RateLimited, type RateLimits } from '../http/rate-limit';
import type { ProjectionStore } from '../projector';
import { AntiCounterfeitRegistry } from '../services/anti-counterfeit';
import { CardCatalog } from '../services/card-catalog';
import { InvoiceRequests } from '../services/invoice-requests';
import { invoiceOffered } from '../services/invoice-offer';
import { ShelfCache } from '../api/shelf-cache';
import { readFileSync } from 'node:fs';
import { cardPage } from './card';
import { contentSecurityPolicy, layout, messagePage, newNonce, retry, WEUI_CSS_PATH, type Page } from './html';
import { invoiceFormPage, submitInvoice } from './invoice-form';
import { orderPage, stateOf, type InvoiceOfferCheck } from './order';
import { productPage, type CookieJar } from './product';
import { TicketChecker } from './ticket-check';

/** A form post is four short fields: anything bigger is refused unread. */
const FORM_LIMIT = '8kb';

/** The landing pages (CONTRACT.md "Landing pages"): thin routes, the work is in the page modules. */
/** What the landing pages need of the app. */
export interface LandingDeps {
  config: Config;
  redis: RedisClient;
  keys: RedisKeys;
  wechat: Wechat;
  logger: Logger;
  projections: ProjectionStore;
  limits?: RateLimits;
}

export function landingRouter(deps: LandingDeps): Router {
  const client = deps.wechat.client;
  const tickets = new TicketChecker(deps.redis, deps.keys, client);
  const invoices = new InvoiceRequests(deps.redis, deps.keys);
  const registry = new AntiCounterfeitRegistry(deps.redis, deps.keys);
  const catalog = new CardCatalog(deps.redis, deps.keys);
  const secret = deps.config.sessionSecret;
  const shelves = new ShelfCache(deps.redis, deps.keys, client);
  const offered: InvoiceOfferCheck = async (order) =>
    invoiceOffered(shelves, { page_id: order.page_id, state: order.state ?? (await stateOf(deps.projections, order.order_id)) });
  const router = new Router({ prefix: '/landing' });

  // Every landing response, refusals and errors included: strict CSP, no sniffing, no referrer, no caching.
  router.use(async (ctx, next) => {
    const nonce = newNonce();
    ctx.state.nonce = nonce;
    ctx.set('Content-Security-Policy', contentSecurityPolicy(nonce));
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cache-Control', 'no-store');
    let page: Page;
    try {
      // Every page may cost WeChat lookups (an order guess is an order/get): a quota per client IP.
      if (ctx.path !== WEUI_CSS_PATH) await deps.limits?.hit('landingPerIp', ctx.ip);
      await next();
      return;
    } catch (e) {
      const err = e as Error & { status?: number; expose?: boolean };
      if (err instanceof RateLimited) {
        ctx.set('Retry-After', String(err.retryAfterS));
        page = messagePage(429, '访问太频繁', '请稍后再试。', { icon: 'waiting' });
      } else if (typeof err.status === 'number' && err.status < 500 && (err.expose || err instanceof HttpError)) {
        page = messagePage(err.status, '无法处理', err.status === 413 ? '提交的内容太长，请删减后再提交。' : '请求无法处理，请返回上一页重新操作。');
      } else {
        deps.logger.error('landing page failed', { path: ctx.path, error: err.message, stack: err.stack });
        // Something of ours failed, maybe for a moment: trying again can help (a GET only).
        page = messagePage(500, '页面暂时无法显示', '服务出了点问题，请稍后再试。', { icon: 'waiting', actions: ctx.method === 'GET' ? [retry(ctx.path, ctx.querystring)] : [] });
      }
    }
    send(ctx, page);
  });

  // WeUI (MIT, the installed weui package; WEUI_CSS_PATH): one stylesheet for every landing page, versioned in its URL, cached a year.
  router.get(WEUI_CSS_PATH.slice('/landing'.length), (ctx) => {
    ctx.remove('Content-Security-Policy');
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    ctx.type = 'text/css; charset=utf-8';
    ctx.body = weuiCss();
  });
  router.get('/product', async (ctx) => send(ctx, await productPage({ client, tickets, registry, sessionSecret: secret }, ctx.querystring, jar(ctx))));
  router.get('/card', async (ctx) => send(ctx, await cardPage({ client, projections: deps.projections, catalog }, ctx.querystring)));
  router.get('/order', async (ctx) => send(ctx, await orderPage({ client, projections: deps.projections, catalog, invoiceOffered: offered }, ctx.querystring)));
  // The form holds a CSRF token beside values from the URL: never compressed (BREACH).
  router.use('/order/invoice', (ctx, next) => {
    ctx.compress = false;
    return next();
  });
  router.get('/order/invoice', async (ctx) => send(ctx, await invoiceFormPage({ client, invoices, sessionSecret: secret, offered }, ctx.querystring)));
  router.post('/order/invoice', async (ctx) => {
    if (!ctx.is('application/x-www-form-urlencoded')) {
      return send(ctx, messagePage(415, '请求无效', '请通过页面上的表单提交。'));
    }
    const body = await readRawBody(ctx, FORM_LIMIT, 'utf8');
    send(ctx, await submitInvoice({ client, invoices, sessionSecret: secret, offered }, new URLSearchParams(body)));
  });
  return router;
}

let weui: Buffer | undefined;
/** The package's own minified stylesheet, read once. */
function weuiCss(): Buffer {
  weui ??= readFileSync(require.resolve('weui/dist/style/weui.min.css'));
  return weui;
}

/** Renders the page with this response's CSP nonce. */
function send(ctx: Koa.Context, page: Page): void {
  ctx.status = page.status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = layout(page, String(ctx.state.nonce));
}

function jar(ctx: Koa.Context): CookieJar {
  return {
    get: (name) => ctx.cookies.get(name),
    set: (name, value, maxAgeSeconds) =>
      ctx.cookies.set(name, value, { httpOnly: true, sameSite: 'lax', path: '/landing/product', maxAge: maxAgeSeconds * 1000, secure: ctx.secure, overwrite: true }),
  };
}
