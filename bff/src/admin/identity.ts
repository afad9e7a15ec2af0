import type Router from '@koa/router';
import { z } from 'zod';
import type { IdentityLinks } from '../api/identity';
import { HttpError } from '../http/errors';
import { readJsonObject } from '../http/json-body';
import { parseInput as parse } from '../http/parse';

const listQuery = z.object({ cursor: z.string().regex(/^\d{1,20}$/).default('0'), limit: z.coerce.number().int().min(1).max(500).default(100) });
const unlinkRequest = z.object({ reason: z.string().trim().min(1).max(200) }).strict();

/**
 * `/admin/identity/links` (bff/src/api/IDENTITY.md "Support"): every link, who and when, and the
 * support action that drops one, audited in `identity:audit` with its reason. Registered on the
 * admin router, behind the merchant's token.
 */
export function registerIdentityRoutes(router: Router, identity: IdentityLinks): void {
  router.get('/identity/links', async (ctx) => {
    const { cursor, limit } = parse(listQuery, { ...ctx.query });
    const page = await identity.list(cursor, limit);
    ctx.body = { links: page.links, next_cursor: page.cursor === '0' ? null : page.cursor };
  });
  router.delete('/identity/links/:serviceOpenid', async (ctx) => {
    const serviceOpenid = parse(z.string().min(1).max(128), ctx.params.serviceOpenid);
    const { reason } = parse(unlinkRequest, await readJsonObject(ctx, '2kb'));
    const mini = await identity.unlink(serviceOpenid, 'admin', reason);
    if (mini === null) throw new HttpError(404, 'not_found', 'no link for this Service Account openid');
    ctx.body = { unlinked: { service_openid: serviceOpenid, mini_openid: mini } };
  });
}
