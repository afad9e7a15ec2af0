import type { GiftCardOrder } from '@giftcard/shared';
import { startBff } from '../support/app';
import { buy, goLive, openShop } from '../support/giftcards';
import type { TestSandbox } from '../support/sandbox';

export type Bff = Awaited<ReturnType<typeof startBff>>;

export async function until<T>(read: () => Promise<T | null | undefined | false>, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await read();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A JSON call to the BFF; `token` as the Bearer session. */
export async function call<T = any>(bff: Bff, method: string, path: string, opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${bff.origin}${path}`, {
    method,
    headers: { ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}), 'Content-Type': 'application/json', ...opts.headers },
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as T, text };
}

/** A call to the merchant API (`/admin…`) with the BFF's admin token. */
export function admin<T = any>(bff: Bff, method: string, path: string, body?: unknown) {
  return call<T>(bff, method, `/admin${path}`, { body, headers: { Authorization: `Bearer ${bff.config.adminToken}` } });
}

/** A Mini Program user's session: wx.login in the sandbox, then POST /api/session. */
export async function login(bff: Bff, miniOpenid: string, unionid?: string): Promise<string> {
  const { code } = await bff.control<{ code: string }>('users/login', { openid: miniOpenid, ...(unionid && { unionid }) });
  const res = await call<{ token: string; expiresIn: number }>(bff, 'POST', '/api/session', { body: { code } });
  if (res.status !== 200) throw new Error(`login ${miniOpenid}: ${res.status} ${res.text}`);
  return res.body.token;
}

export function sandboxOf(bff: Bff): TestSandbox {
  return bff as unknown as TestSandbox;
}

/**
 * A shop, and `serviceOpenid` buys one card of each; resolves once the projector has the order. A shop
 * given (a shelf made by the test) is taken through the go-live path first.
 */
export async function purchase(bff: Bff, serviceOpenid: string, shop?: { cardIds: string[]; pageId: string }) {
  if (shop) await goLive(bff.wechat, sandboxOf(bff), shop.pageId);
  shop ??= await openShop(bff.wechat, sandboxOf(bff), [{ price: 5000 }]);
  const order: GiftCardOrder = await buy(sandboxOf(bff), {
    openid: serviceOpenid,
    page_id: shop.pageId,
    items: shop.cardIds.map((card_id) => ({ card_id, count: 1 })),
  });
  await until(async () => (await bff.projector!.store.cardsOf(serviceOpenid)).some((c) => c.order_id === order.order_id), 'the projected order');
  const card = order.card_list[0]!;
  const { encrypt_code } = await bff.control<{ encrypt_code: string }>('codes/encrypt', { code: card.code });
  return { shop, order, code: card.code, cardId: card.card_id, encryptCode: encrypt_code };
}

export function start() {
  return startBff({}, { projector: true, pushRetryDelayMs: 20 });
}
