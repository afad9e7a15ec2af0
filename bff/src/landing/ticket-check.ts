import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';
import { isNotFound, isWechatError, type WechatClient } from '../wechat';
import { sha256Hex } from '../util/signing';

/** A wxticket is valid 20 minutes (spec 000 "Checking wxticket"). */
export const TICKET_TTL_SECONDS = 20 * 60;

/** What `/scan/scanticket/check` said about a valid ticket. */
export interface TicketFacts {
  keystandard: string;
  keystr: string;
  /** The visitor the ticket was issued to. */
  openid: string;
  scene: string | number;
  is_check: boolean;
  is_contact: boolean;
}

export type TicketCheck =
  | { kind: 'valid'; hash: string; facts: TicketFacts }
  /** Not a ticket WeChat could ever issue: checked locally, WeChat not called. */
  | { kind: 'malformed' }
  /** WeChat knows no such ticket (unknown, or older than 20 minutes). */
  | { kind: 'invalid'; hash: string }
  /** WeChat could not be asked (timeout, transport, busy): nothing is cached, try again. */
  | { kind: 'unavailable' };

/** WeChat's tickets are short base64(url) strings; anything else is refused before a call. */
const TICKET_FORMAT = /^[A-Za-z0-9+/=_-]{8,256}$/;

/**
 * Checks wxtickets with WeChat. A valid answer is never cached: WeChat's answer gives no issue time,
 * so a cache could only run from our first check, and a ticket first used at minute 19 would then
 * stay "valid" here 19 minutes after WeChat ended it; every visit asks WeChat again (the landing
 * pages' WeChat lookups are rate limited per client). A refusal is cached for 20 minutes: a ticket
 * WeChat refused never becomes valid, and a replayed dead ticket then costs no WeChat call.
 * Keys carry the ticket's SHA-256, never the ticket itself.
 */
export class TicketChecker {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly client: WechatClient,
  ) {}

  async check(ticket: string): Promise<TicketCheck> {
    if (!TICKET_FORMAT.test(ticket)) return { kind: 'malformed' };
    const hash = sha256Hex(ticket);
    const key = this.keys.landingTicket(hash);
    if ((await this.redis.exists(key)) === 1) return { kind: 'invalid', hash };
    try {
      const r = await this.client.scan.checkTicket({ ticket });
      const facts = { keystandard: r.keystandard, keystr: r.keystr, openid: r.openid, scene: r.scene, is_check: r.is_check, is_contact: r.is_contact };
      return { kind: 'valid', hash, facts };
    } catch (e) {
      if (!isWechatError(e)) throw e;
      if (!isNotFound(e)) return { kind: 'unavailable' };
    }
    await this.redis.set(key, 'invalid', 'EX', TICKET_TTL_SECONDS);
    return { kind: 'invalid', hash };
  }

  /**
   * Records the ticket's first use and the code (wxextinfo) it was used with, for the ticket's
   * validity. `first` is true for the first caller only; the caller binds that browser to the ticket,
   * and later visits must show that binding and the same code (a ticket is one scan of one code).
   */
  async claim(hash: string, extinfo: string): Promise<{ first: boolean; extinfo: string }> {
    const key = this.keys.landingTicketClaim(hash);
    if ((await this.redis.set(key, `x:${extinfo}`, 'EX', TICKET_TTL_SECONDS, 'NX')) === 'OK') return { first: true, extinfo };
    const stored = (await this.redis.get(key)) ?? '';
    return { first: false, extinfo: stored.startsWith('x:') ? stored.slice(2) : '' };
  }
}
