import { hash } from 'node:crypto';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';

/** What proved a link: a card jump WeChat confirmed, or a unionid WeChat vouched for on both sides. */
export type LinkProof = 'jump' | 'unionid';

/** One link, as `/admin/identity/links` shows it. */
export interface IdentityLink {
  mini_openid: string;
  service_openid: string;
  proof: LinkProof;
  /** Unix seconds. */
  linked_at: number;
}

/** linked: new; already: it was so; moved: it replaced another link (audited); refused: a stronger or fresher proof holds. */
export type LinkOutcome = 'linked' | 'already' | 'moved' | 'refused';

/** How long a used jump is remembered (a replay of its URL then moves nothing). */
const USED_JUMP_TTL_SECONDS = 90 * 24 * 3600;
/** The audit stream keeps at least this many entries (XADD MAXLEN ~). */
const AUDIT_MAX = 100_000;

// Compare-and-set of one link and the links it replaces, atomically (every key declared: cluster-safe
// with the prefix's hash tag). The caller read the current partners; a change since is 'retry'.
// KEYS: 1 mini:M, 2 service:S, 3 service:<M's current S> (or KEYS[2]), 4 mini:<S's current M> (or KEYS[1]),
//       5 the links hash, 6 the audit stream
// ARGV: 1 M, 2 S, 3 M's current S ('' none), 4 S's current M ('' none), 5 proof, 6 now, 7 may move ('1'/'0'),
//       8 by (jump | unionid), 9 audit max
const LINK = `
local curS = redis.call('GET', KEYS[1]) or ''
local curM = redis.call('GET', KEYS[2]) or ''
if curS ~= ARGV[3] or curM ~= ARGV[4] then return 'retry' end
local function record(proof, at)
  return cjson.encode({mini_openid = ARGV[1], service_openid = ARGV[2], proof = proof, linked_at = tonumber(at)})
end
local function proofOf(s)
  local r = redis.call('HGET', KEYS[5], s)
  if not r then return 'jump' end
  return cjson.decode(r).proof
end
if curS == ARGV[2] and curM == ARGV[1] then
  if ARGV[5] == 'unionid' and proofOf(ARGV[2]) ~= 'unionid' then
    redis.call('HSET', KEYS[5], ARGV[2], record('unionid', ARGV[6]))
    redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[9], '*', 'action', 'proved', 'mini_openid', ARGV[1], 'service_openid', ARGV[2], 'proof', 'unionid', 'by', ARGV[8], 'at', ARGV[6])
  end
  return 'already'
end
if curS ~= '' or curM ~= '' then
  if ARGV[7] ~= '1' then return 'refused' end
  if ARGV[5] ~= 'unionid' and ((curS ~= '' and proofOf(curS) == 'unionid') or (curM ~= '' and proofOf(ARGV[2]) == 'unionid')) then return 'refused' end
end
if curS ~= '' and curS ~= ARGV[2] then
  redis.call('DEL', KEYS[3])
  redis.call('HDEL', KEYS[5], curS)
  redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[9], '*', 'action', 'unlinked', 'mini_openid', ARGV[1], 'service_openid', curS, 'by', ARGV[8], 'at', ARGV[6])
end
if curM ~= '' and curM ~= ARGV[1] then
  redis.call('DEL', KEYS[4])
  redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[9], '*', 'action', 'unlinked', 'mini_openid', curM, 'service_openid', ARGV[2], 'by', ARGV[8], 'at', ARGV[6])
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[5], ARGV[2], record(ARGV[5], ARGV[6]))
local action = 'linked'
if curS ~= '' or curM ~= '' then action = 'moved' end
redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[9], '*', 'action', action, 'mini_openid', ARGV[1], 'service_openid', ARGV[2], 'proof', ARGV[5], 'by', ARGV[8], 'at', ARGV[6])
return action
`;

// KEYS: 1 service:S, 2 mini:<its M>, 3 links hash, 4 audit; ARGV: 1 S, 2 expected M, 3 now, 4 by, 5 reason, 6 audit max
const UNLINK = `
local m = redis.call('GET', KEYS[1]) or ''
if m ~= ARGV[2] then return 'retry' end
if m == '' then return 'none' end
redis.call('DEL', KEYS[1])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*', 'action', 'unlinked', 'mini_openid', m, 'service_openid', ARGV[1], 'by', ARGV[4], 'reason', ARGV[5], 'at', ARGV[3])
return m
`;

/**
 * Links a Mini Program openid to the Service Account openid that cards and orders carry, only on
 * proof (IDENTITY.md "Linking"): one-to-one; a unionid WeChat vouches for on both sides beats a jump;
 * between jumps the latest *fresh* one wins (each card jump proves once), so the real holder, who can
 * always make a fresh jump by tapping the card, is never locked out by whoever replays an old one.
 * Every change is audited in the `identity:audit` stream.
 */
export class IdentityLinks {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** The linked Service Account openid, or null. */
  /** The Mini Program openid a Service Account openid is linked to, or null. */
  miniOpenidOf(serviceOpenid: string): Promise<string | null> {
    return this.redis.get(this.keys.serviceLink(serviceOpenid));
  }

  serviceOpenidOf(miniOpenid: string): Promise<string | null> {
    return this.redis.get(this.keys.miniLink(miniOpenid));
  }

  /**
   * A card jump WeChat confirmed (code/get says `serviceOpenid` holds the code): links. A jump proves
   * once: only its first use may move a link (a jump link, never a unionid one); a replay, by anyone,
   * keeps what is (a reload) or links what nobody holds, and moves nothing.
   */
  async linkByJump(miniOpenid: string, serviceOpenid: string, encryptCode: string): Promise<LinkOutcome> {
    const usedKey = this.keys.identityJump(hash('sha256', encryptCode, 'hex'));
    // Used before (by anyone, its first user included): it still opens what it linked (a reload), and
    // links what nobody holds, but moves nothing. Only its first use may move a link.
    const fresh = (await this.redis.set(usedKey, miniOpenid, 'EX', USED_JUMP_TTL_SECONDS, 'NX')) === 'OK';
    return this.link(miniOpenid, serviceOpenid, 'jump', fresh);
  }

  /**
   * Records the unionid WeChat vouched for a Service Account openid: only from a source WeChat
   * authenticates, a `user_get_card` push received in safe mode (its body under msg_signature and AES).
   */
  async learnUnionid(serviceOpenid: string, unionid: string): Promise<void> {
    await this.redis.set(this.keys.unionidService(unionid), serviceOpenid);
  }

  /** At login: jscode2session's unionid matches one learned for a Service Account openid → link (the strongest proof). */
  async linkByUnionid(miniOpenid: string, unionid: string): Promise<boolean> {
    const serviceOpenid = await this.redis.get(this.keys.unionidService(unionid));
    if (serviceOpenid === null) return false;
    const outcome = await this.link(miniOpenid, serviceOpenid, 'unionid', true);
    return outcome !== 'refused';
  }

  /** Every link, a page at a time (HSCAN: `cursor` '0' starts, and is '0' again at the end). */
  async list(cursor = '0', count = 100): Promise<{ links: IdentityLink[]; cursor: string }> {
    const [next, flat] = await this.redis.hscan(this.keys.identityLinks, cursor, 'COUNT', count);
    const links: IdentityLink[] = [];
    for (let i = 1; i < flat.length; i += 2) links.push(JSON.parse(flat[i]!) as IdentityLink);
    return { links, cursor: String(next) };
  }

  /** The support action: drops the link of a Service Account openid; its Mini Program user sees nothing until a new proof. */
  async unlink(serviceOpenid: string, by: string, reason: string): Promise<string | null> {
    for (;;) {
      const mini = (await this.redis.get(this.keys.serviceLink(serviceOpenid))) ?? '';
      const r = (await this.redis.eval(
        UNLINK,
        4,
        this.keys.serviceLink(serviceOpenid),
        this.keys.miniLink(mini),
        this.keys.identityLinks,
        this.keys.identityAudit,
        serviceOpenid,
        mini,
        this.now(),
        by,
        reason,
        AUDIT_MAX,
      )) as string;
      if (r !== 'retry') return r === 'none' ? null : r;
    }
  }

  private async link(miniOpenid: string, serviceOpenid: string, proof: LinkProof, mayMove: boolean): Promise<LinkOutcome> {
    for (;;) {
      const [curS, curM] = await Promise.all([this.redis.get(this.keys.miniLink(miniOpenid)), this.redis.get(this.keys.serviceLink(serviceOpenid))]);
      const r = (await this.redis.eval(
        LINK,
        6,
        this.keys.miniLink(miniOpenid),
        this.keys.serviceLink(serviceOpenid),
        curS === null ? this.keys.serviceLink(serviceOpenid) : this.keys.serviceLink(curS),
        curM === null ? this.keys.miniLink(miniOpenid) : this.keys.miniLink(curM),
        this.keys.identityLinks,
        this.keys.identityAudit,
        miniOpenid,
        serviceOpenid,
        curS ?? '',
        curM ?? '',
        proof,
        this.now(),
        mayMove ? '1' : '0',
        proof,
        AUDIT_MAX,
      )) as string;
      if (r !== 'retry') return r as LinkOutcome;
    }
  }
}
