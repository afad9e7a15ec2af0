import { createHash } from 'node:crypto';
import type { ScanCheckRequest, ScanCheckResponse } from '@giftcard/shared/api';
import { HttpError } from '../http/errors';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';
import { WechatError, type WechatClient } from '../wechat';
import type { IdentityLinks } from './identity';

/** A wxticket lives 20 minutes at WeChat; its owner is remembered a good while longer. */
const TICKET_OWNER_TTL_SECONDS = 2 * 60 * 60;

/**
 * `POST /api/scan/check`: WeChat checks the ticket (unknown or over 20 minutes old: refused); the
 * ticket must be for the product the page shows (when it says), belongs to the first session that
 * checks it, to nobody linked to another Service Account openid than the scanner's, and, once the
 * scanner is linked, to the scanner's session only.
 */
export async function checkScanTicket(
  deps: { client: WechatClient; redis: RedisClient; keys: RedisKeys; identity: IdentityLinks },
  miniOpenid: string,
  req: ScanCheckRequest,
): Promise<ScanCheckResponse> {
  let t;
  try {
    t = await deps.client.scan.checkTicket({ ticket: req.ticket });
  } catch (e) {
    if (e instanceof WechatError && (e.kind === 'api' || e.kind === 'invalid_request')) {
      throw new HttpError(404, 'ticket_invalid', 'the ticket is unknown or expired; scan the code again');
    }
    throw e;
  }
  if ((req.keystandard !== undefined && req.keystandard !== t.keystandard) || (req.keystr !== undefined && req.keystr !== t.keystr)) {
    throw new HttpError(404, 'ticket_invalid', 'the ticket is for another product');
  }
  const foreign = () => new HttpError(403, 'ticket_foreign', 'the ticket belongs to another user');
  // Whoever is linked on either side decides: a linked user gets only their own tickets, and a
  // ticket of a linked scanner goes only to that scanner's session, not to whoever checks first.
  const [linked, scannersSession] = await Promise.all([deps.identity.serviceOpenidOf(miniOpenid), deps.identity.miniOpenidOf(t.openid)]);
  if (linked !== null && linked !== t.openid) throw foreign();
  if (scannersSession !== null && scannersSession !== miniOpenid) throw foreign();
  const key = deps.keys.scanTicketOwner(createHash('sha256').update(req.ticket).digest('hex'));
  if ((await deps.redis.set(key, miniOpenid, 'EX', TICKET_OWNER_TTL_SECONDS, 'NX')) !== 'OK' && (await deps.redis.get(key)) !== miniOpenid) throw foreign();
  return { keystandard: t.keystandard, keystr: t.keystr, scene: String(t.scene), is_check: t.is_check, is_contact: t.is_contact };
}
