import type { GiftCardOrder } from '@giftcard/shared';
import { startBff } from '../support/app';
import { buy, giftCard, goLive, shelf } from '../support/giftcards';

export type Bff = Awaited<ReturnType<typeof startBff>>;

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

async function call<T>(origin: string, token: string, method: string, path: string, body?: unknown): Promise<Answer<T>> {
  const res = await fetch(`${origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

/** The merchant API as the merchant calls it. */
export const admin = <T = any>(bff: Bff, method: string, path: string, body?: unknown) => call<T>(bff.origin, bff.config.adminToken, method, `/admin${path}`, body);

/** A till terminal: its key, and `/pos` calls made with it. */
export async function terminal(bff: Bff, name = '一号收银台') {
  const created = await admin<{ terminal: { id: string }; key: string }>(bff, 'POST', '/terminals', { name });
  if (created.status !== 201) throw new Error(`terminal not created: ${created.status} ${JSON.stringify(created.body)}`);
  const { key, terminal: info } = created.body;
  return {
    id: info.id,
    key,
    pos: <T = any>(method: string, path: string, body?: unknown) => call<T>(bff.origin, key, method, `/pos${path}`, body),
  };
}
export type Terminal = Awaited<ReturnType<typeof terminal>>;

/** A card of `price` fen bought by `openid`: its code and order. The card is created through the merchant API (title recorded). */
export async function boughtCard(bff: Bff, opts: { price?: number; openid?: string; title?: string } = {}): Promise<{ code: string; cardId: string; order: GiftCardOrder }> {
  const created = await admin<{ card_id: string }>(bff, 'POST', '/cards', giftCard(bff, { price: opts.price ?? 2000, title: opts.title ?? '心意卡' }));
  if (created.status !== 200) throw new Error(`card not created: ${created.status} ${JSON.stringify(created.body)}`);
  const cardId = created.body.card_id;
  const { page_id } = await bff.wechat.client.giftcard.addPage({ page: shelf([cardId]) });
  await goLive(bff.wechat, bff, page_id);
  const order = await buy(bff, { openid: opts.openid ?? 'o_till_buyer', page_id, items: [{ card_id: cardId, count: 1 }] });
  return { code: order.card_list[0]!.code, cardId, order };
}

/** WeChat's balance of the code, as the sandbox holds it. */
export function wechatBalance(bff: Bff, code: string): number {
  return bff.world.cards.ledger.code(code).balance;
}

/** Every entry of the ledger stream, fields as an object. */
export async function ledger(bff: Bff): Promise<Record<string, string>[]> {
  const entries = await bff.db.redis.xrange(bff.db.keys.redemptions, '-', '+');
  return entries.map(([, fields]) => {
    const o: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) o[fields[i]!] = fields[i + 1]!;
    return o;
  });
}

/** How many calls the sandbox answered for an endpoint (`area.method`). */
export function wechatCalls(bff: Bff, endpoint: string): number {
  return (bff.world.calls.all() as Record<string, number>)[endpoint] ?? 0;
}
