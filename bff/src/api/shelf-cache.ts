import { PAGE_CONTROL, type ShelfControlInfo, type ShelfPage } from '@giftcard/shared';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';
import type { WechatClient } from '../wechat';

/** A shelf may be stale this long at most when a change bypasses the merchant API. */
export const SHELF_TTL_SECONDS = 60;

/** The Mini Program's shelf, as the merchant's `wxa/set` named it. */
export interface ShelfBinding {
  wxa_appid: string;
  page_id: string;
}

/** What the merchant did of the go-live path through this BFF: sub_mch_id → confirmation URL, sub_mch_id → wxa_appid, page_id → wxa_appid. */
export interface GoLiveSteps {
  whitelisted: Record<string, string>;
  bound: Record<string, string>;
  wxa: Record<string, string>;
}

/**
 * Shelves (`/card/giftcard/page/get`) cached in Redis for SHELF_TTL_SECONDS, dropped at once when
 * the merchant API changes them; and the shelf bound to the Mini Program by `wxa/set`.
 */
export class ShelfCache {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly client: WechatClient,
  ) {}

  /** The shelf; a WeChat error (40097: no such page) propagates. */
  async get(pageId: string): Promise<ShelfPage> {
    const key = this.keys.shelfCache(pageId);
    const cached = await this.redis.get(key);
    if (cached !== null) return JSON.parse(cached) as ShelfPage;
    const { page } = await this.client.giftcard.getPage({ page_id: pageId });
    await this.redis.set(key, JSON.stringify(page), 'EX', SHELF_TTL_SECONDS);
    await this.redis.sadd(this.keys.shelfCachePages, pageId);
    return page;
  }

  async invalidate(pageId: string): Promise<void> {
    await this.redis.del(this.keys.shelfCache(pageId));
    await this.redis.srem(this.keys.shelfCachePages, pageId);
  }

  async invalidateAll(): Promise<void> {
    const pages = await this.redis.smembers(this.keys.shelfCachePages);
    for (const pageId of pages) await this.invalidate(pageId);
  }

  /** Recorded when the merchant's `wxa/set` succeeds. */
  async bind(wxaAppid: string, pageId: string): Promise<void> {
    const binding: ShelfBinding = { wxa_appid: wxaAppid, page_id: pageId };
    await this.redis.set(this.keys.wxaShelf(wxaAppid), JSON.stringify(binding));
  }

  async bound(wxaAppid: string): Promise<ShelfBinding | null> {
    const json = await this.redis.get(this.keys.wxaShelf(wxaAppid));
    return json === null ? null : (JSON.parse(json) as ShelfBinding);
  }

  /**
   * Whether the shelf sells: page/get (§7.3) does not say, and WeChat has no call that reads it; the
   * answer of the merchant's last `maintain/set` (§7.6 control_info, over every shelf) does. On sale
   * until the merchant says otherwise; a shelf made after "all off sale" is off sale too.
   */
  async onSale(pageId: string): Promise<boolean> {
    const json = await this.redis.get(this.keys.shelfControl);
    if (json === null) return true;
    const info = JSON.parse(json) as ShelfControlInfo;
    const normal = (t: string | undefined) => t === undefined || t === PAGE_CONTROL.normal;
    if (!normal(info.biz_control_type) || !normal(info.system_biz_control_type)) return false;
    const page = info.list.find((p) => p.page_id === pageId);
    return !page || (normal(page.page_control_type) && normal(page.system_page_control_type));
  }

  /**
   * Whether the shelf offers invoices (§7.2 need_receipt), as the merchant last sent it through this
   * BFF; undefined for a shelf the BFF never saw added or updated (page/get does not answer it).
   */
  async needReceipt(pageId: string): Promise<boolean | undefined> {
    const v = await this.redis.hget(this.keys.shelfNeedReceipt, pageId);
    return v === null ? undefined : v === '1';
  }

  /**
   * The merchant API's hook (admin/routes.ts): after a WeChat call succeeded, keep the cache and the
   * binding true to it. `input` is the request the call was made with, `result` WeChat's answer.
   */
  async afterMerchantCall(endpoint: string, input: unknown, result?: unknown): Promise<void> {
    const req = (input ?? {}) as { page?: { page_id?: unknown; need_receipt?: unknown }; page_id?: unknown; all?: unknown; wxa_appid?: unknown };
    const pay = (input ?? {}) as { sub_mch_id?: unknown };
    const recordReceipt = (pageId: unknown, needReceipt: boolean) =>
      typeof pageId === 'string' ? this.redis.hset(this.keys.shelfNeedReceipt, pageId, needReceipt ? '1' : '0') : undefined;
    // A page added without need_receipt needs none; an update without it says nothing of it (an unknown
    // shelf stays unknown, which counts as offered: services/invoice-offer.ts).
    if (endpoint === 'giftcard.addPage') await recordReceipt((result as { page_id?: unknown } | undefined)?.page_id, req.page?.need_receipt === true);
    else if (endpoint === 'giftcard.updatePage' && typeof req.page?.page_id === 'string') {
      if (typeof req.page.need_receipt === 'boolean') await recordReceipt(req.page.page_id, req.page.need_receipt);
      await this.invalidate(req.page.page_id);
    } else if (endpoint === 'giftcard.setMaintain') {
      const control = (result as { control_info?: ShelfControlInfo } | undefined)?.control_info;
      if (control) await this.redis.set(this.keys.shelfControl, JSON.stringify(control));
      if (typeof req.page_id === 'string') await this.invalidate(req.page_id);
      else await this.invalidateAll();
    } else if (endpoint === 'giftcard.setWxa' && typeof req.wxa_appid === 'string' && typeof req.page_id === 'string') {
      await this.bind(req.wxa_appid, req.page_id);
      await this.redis.hset(this.keys.goLive, `wxa:${req.page_id}`, req.wxa_appid);
    } else if (endpoint === 'giftcard.addPayWhitelist' && typeof pay.sub_mch_id === 'string') {
      await this.redis.hset(this.keys.goLive, `whitelist:${pay.sub_mch_id}`, typeof (result as { url?: unknown })?.url === 'string' ? (result as { url: string }).url : '');
    } else if (endpoint === 'giftcard.bindPaySubMch' && typeof pay.sub_mch_id === 'string' && typeof req.wxa_appid === 'string') {
      await this.redis.hset(this.keys.goLive, `bind:${pay.sub_mch_id}`, req.wxa_appid);
    }
  }

  /** The go-live steps taken through the merchant API (002 §8): what `pnpm gc golive` reports from. */
  async goLiveSteps(): Promise<GoLiveSteps> {
    const all = await this.redis.hgetall(this.keys.goLive);
    const steps: GoLiveSteps = { whitelisted: {}, bound: {}, wxa: {} };
    for (const [field, value] of Object.entries(all)) {
      const at = field.indexOf(':');
      const [kind, id] = [field.slice(0, at), field.slice(at + 1)];
      if (kind === 'whitelist') steps.whitelisted[id] = value;
      else if (kind === 'bind') steps.bound[id] = value;
      else if (kind === 'wxa') steps.wxa[id] = value;
    }
    return steps;
  }
}
