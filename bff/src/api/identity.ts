import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';

/**
 * Links a Mini Program openid to the Service Account openid that cards and orders carry, only on
 * proof (IDENTITY.md): a card jump WeChat confirms, or a unionid WeChat vouches for. A link is
 * one-to-one and the first proof wins: a link is never moved to another user.
 */
export class IdentityLinks {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  /** The linked Service Account openid, or null. */
  serviceOpenidOf(miniOpenid: string): Promise<string | null> {
    return this.redis.get(this.keys.miniLink(miniOpenid));
  }

  /**
   * Links the two openids unless either is linked to someone else already. True when they are
   * linked (now or before). Two keys (cluster-safe, no script): the service side is claimed first.
   */
  async link(miniOpenid: string, serviceOpenid: string): Promise<boolean> {
    const miniKey = this.keys.miniLink(miniOpenid);
    const serviceKey = this.keys.serviceLink(serviceOpenid);
    const current = await this.redis.get(miniKey);
    if (current !== null) return current === serviceOpenid;
    if ((await this.redis.set(serviceKey, miniOpenid, 'NX')) !== 'OK' && (await this.redis.get(serviceKey)) !== miniOpenid) return false;
    if ((await this.redis.set(miniKey, serviceOpenid, 'NX')) === 'OK') return true;
    // Lost a race: the Mini Program user was linked to another account meanwhile. Give the claim back.
    if ((await this.redis.get(miniKey)) === serviceOpenid) return true;
    if ((await this.redis.get(serviceKey)) === miniOpenid) await this.redis.del(serviceKey);
    return false;
  }

  /**
   * Records the unionid WeChat gave for a Service Account openid (e.g. a `user_get_card` event's
   * UnionId, once re-read). Whoever learns one calls this; see IDENTITY.md.
   */
  async learnUnionid(serviceOpenid: string, unionid: string): Promise<void> {
    await this.redis.set(this.keys.unionidService(unionid), serviceOpenid);
  }

  /** At login: jscode2session's unionid matches one learned for a Service Account openid → link. */
  async linkByUnionid(miniOpenid: string, unionid: string): Promise<boolean> {
    const serviceOpenid = await this.redis.get(this.keys.unionidService(unionid));
    return serviceOpenid !== null && this.link(miniOpenid, serviceOpenid);
  }
}
