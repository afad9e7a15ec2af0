import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';
import { isWechatError, type WechatClient } from '../wechat';
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
  /** WeChat refused it (40097: unknown or older than 20 minutes). */
  | { kind: 'invalid'; hash: string }
  /** WeChat could not be asked (timeout, transport, busy): nothing is cached, try again. */
  | { kind: 'unavailable' };

/** WeChat's tickets are short base64(url) strings; anything else is refused before a call. */
const TICKET_FORMAT = /^[A-Za-z0-9+/=_-]{8,256}$/;

type Cached = { kind: 'valid'; facts: TicketFacts } | { kind: 'invalid' };

/**
 * Checks wxtickets with WeChat once and caches the answer in Redis for at most the ticket's
 * validity: 20 minutes from our first check (the ticket was issued earlier still, so the cache can
 * only end before WeChat's validity does, never after). A refusal is cached as well: a ticket
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
    const cached = await this.redis.get(key);
    if (cached !== null) {
      const c = JSON.parse(cached) as Cached;
      return c.kind === 'valid' ? { kind: 'valid', hash, facts: c.facts } : { kind: 'invalid', hash };
    }
    let entry: Cached;
    try {
      const r = await this.client.scan.checkTicket({ ticket });
      entry = {
        kind: 'valid',
        facts: { keystandard: r.keystandard, keystr: r.keystr, openid: r.openid, scene: r.scene, is_check: r.is_check, is_contact: r.is_contact },
      };
    } catch (e) {
      if (isWechatError(e, 40097)) entry = { kind: 'invalid' };
      else if (isWechatError(e)) return { kind: 'unavailable' };
      else throw e;
    }
    // NX: when two first visits race, the first answer stays and its TTL is not extended.
    await this.redis.set(key, JSON.stringify(entry), 'EX', TICKET_TTL_SECONDS, 'NX');
    return entry.kind === 'valid' ? { kind: 'valid', hash, facts: entry.facts } : { kind: 'invalid', hash };
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
