import type { GiftCardOrder } from '@giftcard/shared';
import { startBff } from '../support/app';
import { giftCard, shelf, TEST_SUB_MCH_ID } from '../support/giftcards';
import type { TestSandbox } from '../support/sandbox';

export interface AdminReply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

/** The real BFF (sandbox, real Redis) and a small client of its merchant API. */
export async function startAdmin(env: Record<string, string> = {}) {
  const bff = await startBff(env);
  const call = async (method: string, path: string, body?: unknown, opts: { token?: string | null; headers?: Record<string, string> } = {}): Promise<AdminReply> => {
    const token = opts.token === undefined ? bff.config.adminToken : opts.token;
    const headers: Record<string, string> = { ...(token !== null && { authorization: `Bearer ${token}` }), ...opts.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${bff.origin}/admin${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // NDJSON or plain text: left as text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  /** The sandbox as the shared gift card fixtures expect it (they read its clock). */
  const sandbox = { world: bff.world } as unknown as TestSandbox;
  return {
    ...bff,
    sandbox,
    call,
    get: (path: string, opts?: Parameters<typeof call>[3]) => call('GET', path, undefined, opts),
    post: (path: string, body: unknown = {}, opts?: Parameters<typeof call>[3]) => call('POST', path, body, opts),
    put: (path: string, body: unknown = {}, opts?: Parameters<typeof call>[3]) => call('PUT', path, body, opts),
    del: (path: string, opts?: Parameters<typeof call>[3]) => call('DELETE', path, undefined, opts),
    /** WeChat calls other than for tokens: what a refused input must leave at zero. */
    wechatCalls: () => Object.fromEntries(Object.entries(bff.world.calls.all()).filter(([name]) => !name.startsWith('auth.'))),
    /** A card (stock `quantity`, valid permanently) on a shelf that sells several at once, created in the sandbox directly. */
    shop(quantity = 1000) {
      const card = bff.world.cards.createCard(giftCard(sandbox, { quantity, date_info: { type: 'DATE_TYPE_PERMANENT' } }) as never);
      const page = bff.world.cards.addShelf(shelf([card.card_id]) as never);
      // The go-live path (002 §7.2 note 4, §8), in the sandbox directly as the rest: pay access, the Mini Program, the review.
      const { pay, shelves } = bff.world.cards;
      const wxa = bff.world.config.miniProgram.appid;
      pay.requestAccess(TEST_SUB_MCH_ID);
      pay.confirm(TEST_SUB_MCH_ID);
      pay.bind(TEST_SUB_MCH_ID, wxa);
      shelves.bindWxa(wxa, page.page_id);
      shelves.review(page.page_id, 'approved');
      return { cardId: card.card_id, pageId: page.page_id };
    },
    /** A purchase at the sandbox's time `at` (default now), in-process. */
    buy(shop: { cardId: string; pageId: string }, openid = 'o_buyer', at?: number): GiftCardOrder {
      const clock = bff.world.clock;
      const real = clock.now;
      if (at !== undefined) clock.now = () => at;
      try {
        return bff.world.cards.buy({ openid, page_id: shop.pageId, items: [{ card_id: shop.cardId, count: 1 }] });
      } finally {
        clock.now = real;
      }
    },
  };
}
export type TestAdmin = Awaited<ReturnType<typeof startAdmin>>;
