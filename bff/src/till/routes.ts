import Router from '@koa/router';
import { redemptionRequest, redemptionsQuery, reversalRequest, tillCode, type TerminalInfo } from '@giftcard/shared/api';
import type Koa from 'koa';
import { z } from 'zod';
import { bearer } from '../http/bearer';
import { HttpError } from '../http/errors';
import { serveRouter } from '../http/serve-router';
import type { RateLimits } from '../http/rate-limit';
import { readJsonObject } from '../http/json-body';
import { parseInput as parse } from '../http/parse';
import { redemptionOf, type TillService } from './service';
import type { TerminalRegistry } from './terminals';

const BODY_LIMIT = '8kb';

/**
 * `/pos` (CONTRACT.md "Redemption"): the till, behind a terminal key. Routes only parse, call the
 * till service and shape the answer. The admin token opens nothing here (it is not a terminal key).
 */
export function tillApi(deps: { till: TillService; terminals: TerminalRegistry; limits?: RateLimits }): Koa.Middleware {
  const router = new Router({ prefix: '/pos' });
  const terminal = (ctx: Koa.Context) => ctx.state.terminal as TerminalInfo;

  router.get('/cards/:code', async (ctx) => {
    const code = parse(tillCode, ctx.params.code);
    ctx.body = { card: await deps.till.preview(code) };
  });
  router.post('/redemptions', async (ctx) => {
    const req = parse(redemptionRequest, await readJsonObject(ctx, BODY_LIMIT));
    const { status, body } = await deps.till.debit(terminal(ctx), req);
    ctx.status = status;
    ctx.body = body;
  });
  router.post('/redemptions/:id/reversal', async (ctx) => {
    const id = parse(z.string().regex(/^rd_[A-Za-z0-9_-]{1,32}$/, 'not a redemption id'), ctx.params.id);
    const { idempotency_key } = parse(reversalRequest, await readJsonObject(ctx, BODY_LIMIT));
    const { status, body } = await deps.till.reverse(terminal(ctx), id, idempotency_key);
    ctx.status = status;
    ctx.body = body;
  });
  router.get('/redemptions', async (ctx) => {
    const { code } = parse(redemptionsQuery, { ...ctx.query });
    ctx.body = { redemptions: (await deps.till.history(code)).map(redemptionOf) };
  });

  const routes = router.routes();
  const authenticate = bearer({
    realm: 'pos',
    refusal: 'a valid terminal key is required (create one with POST /admin/terminals)',
    verify: (key) => deps.terminals.authenticate(key),
    limits: deps.limits,
  });
  return async (ctx, next) => {
    if (ctx.path !== '/pos' && !ctx.path.startsWith('/pos/')) return next();
    ctx.state.terminal = await authenticate(ctx);
    // WeChat's failures the till did not turn into its own answers (outcome_unknown, card_unusable …)
    // are answered by the one table, as in /admin.
    await serveRouter(router, routes, ctx, next, 'till');
  };
}

/**
 * The merchant's side of the till, on the admin router: `/admin/terminals` (create — the key is in
 * this answer only —, list, revoke) and `/admin/till/pending/:code` (a change the till could not
 * settle: see it, then say whether it happened).
 */
export function registerTillAdminRoutes(router: Router, deps: { terminals: TerminalRegistry; till: TillService }): void {
  const { terminals } = deps;
  router.get('/till/pending/:code', async (ctx) => {
    const pending = await deps.till.pendingOf(parse(tillCode, ctx.params.code));
    if (!pending) throw new HttpError(404, 'not_found', 'nothing is pending for this card');
    ctx.body = { pending };
  });
  router.post('/till/pending/:code', async (ctx) => {
    const code = parse(tillCode, ctx.params.code);
    const { applied } = parse(z.object({ applied: z.boolean() }).strict(), await readJsonObject(ctx, BODY_LIMIT));
    const settled = await deps.till.reconcile(code, applied);
    if (!settled) throw new HttpError(404, 'not_found', 'nothing is pending for this card');
    ctx.body = { reconciled: settled, applied };
  });
  router.post('/terminals', async (ctx) => {
    const { name } = parse(z.object({ name: z.string().trim().min(1).max(64) }).strict(), await readJsonObject(ctx, BODY_LIMIT));
    ctx.status = 201;
    ctx.body = await terminals.create(name);
  });
  router.get('/terminals', async (ctx) => {
    ctx.body = { terminals: await terminals.list() };
  });
  router.delete('/terminals/:id', async (ctx) => {
    if (!(await terminals.revoke(ctx.params.id!))) throw new HttpError(404, 'not_found', 'no such terminal');
    ctx.status = 204;
  });
}
