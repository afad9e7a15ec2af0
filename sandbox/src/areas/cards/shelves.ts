import { PAGE_CONTROL, type ShelfControlInfo, type shelfPageInput, type shelfPageUpdate } from '@giftcard/shared';
import type { z } from 'zod';
import { invalidArgs } from '../../core/fault';
import { newPageId, unique } from './ids';

export type ShelfPageParsed = z.output<typeof shelfPageInput>;
export type ShelfPageUpdateParsed = z.output<typeof shelfPageUpdate>;

/** §7.2 "Set up a audit whitelist": a new shelf awaits WeChat's review (002:679-683). */
export type ShelfReview = 'checking' | 'approved' | 'rejected';

export interface SandboxShelf {
  page_id: string;
  page: ShelfPageParsed;
  /** Taken off sale by the merchant with /card/giftcard/maintain/set (§7.6). */
  maintain: boolean;
  created_at: number;
  /** WeChat's review; until approved only whitelisted test users can buy (002:679-683). */
  review: ShelfReview;
  /** The Mini Program the shelf was set on with wxa/set (§8.3.1); none yet: it sells nowhere. */
  wxa_appid?: string;
}

/** Shelves (§7), their maintain state (§7.6) and the Mini Program serving each (§8.3). */
export class ShelfStore {
  private shelves = new Map<string, SandboxShelf>();
  /** `{"all": true, "maintain": true}`: every shelf of the merchant, present and future, is off sale. */
  private allMaintained = false;
  private wxaPages = new Map<string, string>();

  add(page: ShelfPageParsed, now: number): SandboxShelf {
    const shelf: SandboxShelf = { page_id: unique(newPageId, (id) => this.shelves.has(id)), page, maintain: false, created_at: now, review: 'checking' };
    this.shelves.set(shelf.page_id, shelf);
    return shelf;
  }

  /** The shelf, or 40097 naming the unknown page_id. */
  get(pageId: string): SandboxShelf {
    const shelf = this.shelves.get(pageId);
    if (!shelf) throw invalidArgs(`no shelf with page_id ${pageId}`);
    return shelf;
  }

  /**
   * §7.4: the page sent is the shelf from now on (its required fields were checked against the
   * table); an optional field left out is gone. page_title, which the §7.4 table does not list,
   * stays unless sent.
   */
  update({ page_id, ...page }: ShelfPageUpdateParsed): SandboxShelf {
    const shelf = this.get(page_id);
    shelf.page = { ...page, page_title: page.page_title ?? shelf.page.page_title };
    return shelf;
  }

  find(pageId: string): SandboxShelf | undefined {
    return this.shelves.get(pageId);
  }

  /** page_ids in creation order (§7.5). */
  ids(): string[] {
    return [...this.shelves.keys()];
  }

  isMaintained(pageId: string): boolean {
    return this.allMaintained || this.get(pageId).maintain;
  }

  /** §7.6: one shelf, or all of them, off sale (maintain true) or back on sale (false). */
  setMaintain(target: { page_id: string } | 'all', maintain: boolean): ShelfControlInfo {
    if (target === 'all') {
      this.allMaintained = maintain;
      for (const shelf of this.shelves.values()) shelf.maintain = maintain;
    } else {
      this.get(target.page_id).maintain = maintain;
    }
    return this.controlInfo();
  }

  /** §7.6 control_info over every shelf; the sandbox never takes a shelf down on its own (system: normal). */
  controlInfo(): ShelfControlInfo {
    return {
      biz_control_type: this.allMaintained ? PAGE_CONTROL.biz : PAGE_CONTROL.normal,
      system_biz_control_type: PAGE_CONTROL.normal,
      list: [...this.shelves.values()].map((s) => ({
        page_id: s.page_id,
        page_control_type: this.allMaintained || s.maintain ? PAGE_CONTROL.biz : PAGE_CONTROL.normal,
        system_page_control_type: PAGE_CONTROL.normal,
      })),
    };
  }

  /** §8.3.1: the Mini Program serves this shelf (a later call for the same Mini Program replaces it). */
  bindWxa(wxaAppid: string, pageId: string): void {
    this.get(pageId).wxa_appid = wxaAppid;
    this.wxaPages.set(wxaAppid, pageId);
  }

  /** WeChat's reviewers decide (a control action: the back office of 002:679-683). */
  review(pageId: string, result: Exclude<ShelfReview, 'checking'>): SandboxShelf {
    const shelf = this.get(pageId);
    shelf.review = result;
    return shelf;
  }

  wxaPage(wxaAppid: string): string | undefined {
    return this.wxaPages.get(wxaAppid);
  }
}
