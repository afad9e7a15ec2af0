import { WECHAT_EVENTS, type CodeInfo, type GiftCardOrder, type GiftCardOrderCard, type UserAuthInfo, type UserCardStatus, type WechatEvent } from '@giftcard/shared';
import { cardCodeVisible } from '../policy';

/**
 * The projector's pure half: WeChat's answers (order/get, code/get, getauthdata) → the records the
 * projections keep, and which records a refresh writes. No I/O here; everything is a function of
 * what WeChat said, never of what an event claimed.
 */

/** WeChat's card status, or REMOVED: WeChat no longer knows the code (the order was refunded, §12.2.1). */
export type CardStatus = UserCardStatus | 'REMOVED';

/** One card (code) of an order. Money in fen, times Unix seconds. */
export interface CardProjection {
  code: string;
  card_id: string;
  order_id: string;
  /** When the order was created (for listing a user's cards newest first). */
  order_create_time: number;
  /** What the buyer paid for it. */
  price: number;
  /** The current balance; null when the code is REMOVED. */
  balance: number | null;
  status: CardStatus;
  can_consume: boolean;
  /**
   * The current holder (code/get `openid`). For a REMOVED code WeChat names no holder any more: the
   * last holder it named is kept, so the refunded card still shows as refunded to whoever held it;
   * null when none was ever read.
   */
  owner: string | null;
  /** Validity: begin, and end (null: valid permanently, or unknown when REMOVED). */
  begin_time: number | null;
  end_time: number | null;
  background_pic_url: string;
  default_gifting_msg: string;
  /** Who received this card from a group chat (order/get card_list). */
  accepter_openid: string | null;
  /**
   * The card was given away and nobody accepted it within 24 hours: it came back to the giver (002 §10.4).
   * Read from WeChat, not from an event: code/get says GIFT_TIMEOUT, or the card was GIFTING at the last
   * read and is now usable by the same holder. Kept while that holder has it and does not give it again.
   * Absent from records written before it existed (read as false).
   */
  gift_returned?: boolean;
  /** When the WeChat read behind this record started, ms. */
  read_at: number;
}

/** An order with its cards, as WeChat last said. */
export interface OrderProjection {
  order_id: string;
  page_id: string;
  trans_id: string;
  create_time: number;
  pay_finish_time: number;
  total_price: number;
  /** The buyer (order/get `open_id`). */
  buyer: string;
  accepter_openid: string | null;
  outer_str: string | null;
  is_chat_room: boolean;
  cards: CardProjection[];
  /** Users whose order list holds this order: the buyer, the accepters, and the cards' holders. */
  viewers: string[];
  /** When the WeChat read behind this record started, ms: a write never replaces a later read. */
  read_at: number;
}

/** The invoice request of an order (getauthdata, §12.2.2.5). */
export interface InvoiceProjection {
  order_id: string;
  /** `authorized`: getauthdata answers the user's request; `not_authorized`: it answers none (40097). */
  state: 'authorized' | 'not_authorized';
  /** getauthdata's invoice_status, e.g. "auth success". */
  invoice_status: string | null;
  auth_time: number | null;
  user_auth_info: UserAuthInfo | null;
  read_at: number;
}

/** code/get's answer for one code, or that WeChat does not know the code (40056). */
export type CodeLookup = { found: true; info: CodeInfo } | { found: false };

/** `prev`: the card as last projected (null: none), only for the last holder of a REMOVED code. */
export function cardProjection(order: GiftCardOrder, card: GiftCardOrderCard, lookup: CodeLookup, readAt: number, prev: CardProjection | null = null): CardProjection {
  const base = {
    code: card.code,
    card_id: card.card_id,
    order_id: order.order_id,
    order_create_time: order.create_time,
    price: card.price,
    background_pic_url: card.background_pic_url,
    default_gifting_msg: card.default_gifting_msg,
    accepter_openid: card.accepter_openid ?? null,
    read_at: readAt,
  };
  if (!lookup.found) {
    return { ...base, balance: null, status: 'REMOVED', can_consume: false, owner: prev?.owner ?? null, begin_time: null, end_time: null, gift_returned: prev?.gift_returned ?? false };
  }
  const { info } = lookup;
  return {
    ...base,
    gift_returned: giftReturned(info, prev),
    // The face the holder sees now (updateuser may change it).
    background_pic_url: info.background_pic_url ?? card.background_pic_url,
    balance: info.card.balance,
    status: info.user_card_status,
    can_consume: info.can_consume,
    owner: info.openid,
    begin_time: info.card.begin_time,
    end_time: info.card.end_time ?? null,
  };
}

/** §10.4 from two reads of WeChat: GIFT_TIMEOUT now, or GIFTING before and the same holder now (see `gift_returned`). */
export function giftReturned(now: Pick<CodeInfo, 'user_card_status' | 'openid'>, prev: Pick<CardProjection, 'status' | 'owner' | 'gift_returned'> | null): boolean {
  if (now.user_card_status === 'GIFT_TIMEOUT') return true;
  if (!prev || prev.owner !== now.openid || now.user_card_status === 'GIFTING') return false;
  return prev.status === 'GIFTING' || prev.status === 'GIFT_TIMEOUT' || prev.gift_returned === true;
}

/** Who sees the order in their list: never taken from an event, only from order/get and code/get. */
export function orderViewers(order: GiftCardOrder, cards: readonly CardProjection[]): string[] {
  const viewers = new Set<string>([order.open_id]);
  if (order.accepter_openid) viewers.add(order.accepter_openid);
  for (const c of cards) {
    if (c.accepter_openid) viewers.add(c.accepter_openid);
    if (c.owner) viewers.add(c.owner);
  }
  return [...viewers].sort();
}

/**
 * order/get's order and each card's code/get (same order as card_list) → the order record. `prev`,
 * the record stored before (null: none), only gives a REMOVED card its last holder.
 */
export function orderProjection(order: GiftCardOrder, lookups: readonly CodeLookup[], readAt: number, prev: OrderProjection | null = null): OrderProjection {
  if (lookups.length !== order.card_list.length) throw new Error(`order ${order.order_id}: ${order.card_list.length} cards, ${lookups.length} code lookups`);
  const before = new Map((prev?.cards ?? []).map((c) => [c.code, c]));
  const cards = order.card_list.map((c, i) => cardProjection(order, c, lookups[i]!, readAt, before.get(c.code) ?? null));
  return {
    order_id: order.order_id,
    page_id: order.page_id,
    trans_id: order.trans_id,
    create_time: order.create_time,
    pay_finish_time: order.pay_finish_time,
    total_price: order.total_price,
    buyer: order.open_id,
    accepter_openid: order.accepter_openid ?? null,
    outer_str: order.outer_str ?? null,
    is_chat_room: order.IsChatRoom ?? false,
    cards,
    viewers: orderViewers(order, cards),
    read_at: readAt,
  };
}

/** Whether the order stands (`paid`) or WeChat refunded it (`refunded`). */
export type OrderState = 'paid' | 'refunded';

/**
 * WeChat's order/get says nothing of a refund: after `/card/giftcard/order/refund` it answers the
 * same order, and the refund shows only as its cards leaving the card pack (002 §12.2.1), every code
 * then unknown to code/get (40056, REMOVED). So an order is refunded when it has cards and all of
 * them are REMOVED; one card still known means the order stands.
 */
export function orderState(cards: readonly Pick<CardProjection, 'status'>[]): OrderState {
  return cards.length > 0 && cards.every((c) => c.status === 'REMOVED') ? 'refunded' : 'paid';
}

/** getauthdata's answer (or null: WeChat has no request for the order) → the invoice record. */
export function invoiceProjection(
  orderId: string,
  authData: { invoice_status: string; auth_time: number; user_auth_info?: UserAuthInfo | undefined } | null,
  readAt: number,
): InvoiceProjection {
  if (!authData) return { order_id: orderId, state: 'not_authorized', invoice_status: null, auth_time: null, user_auth_info: null, read_at: readAt };
  return {
    order_id: orderId,
    state: 'authorized',
    invoice_status: authData.invoice_status,
    auth_time: authData.auth_time,
    user_auth_info: authData.user_auth_info ?? null,
    read_at: readAt,
  };
}

/** One Redis write of a projection refresh. */
export type WriteOp =
  | { op: 'SET'; key: string; value: string }
  | { op: 'DEL'; key: string }
  | { op: 'HSET'; key: string; field: string; value: string }
  | { op: 'HDEL'; key: string; field: string }
  | { op: 'ZADD'; key: string; score: number; member: string }
  | { op: 'ZREM'; key: string; member: string }
  | { op: 'INCR'; key: string };

/** The key names the projection writes (a subset of `RedisKeys`). */
export interface ProjectionKeys {
  projOrder(orderId: string): string;
  projCard(code: string): string;
  projUserOrders(openid: string): string;
  projUserCards(openid: string): string;
  projUserVersion(openid: string): string;
}

/**
 * The writes that turn the stored order `prev` (null: none yet) into `next`: the order, each card,
 * each holder's card hash, each viewer's order list. A card that moved (a gift accepted) leaves the
 * giver's hash; a REMOVED card stays with its last holder; a user who no longer sees the order loses it.
 */
export function orderWrites(keys: ProjectionKeys, prev: OrderProjection | null, next: OrderProjection): WriteOp[] {
  const ops: WriteOp[] = [{ op: 'SET', key: keys.projOrder(next.order_id), value: JSON.stringify(next) }];
  const prevCards = new Map((prev?.cards ?? []).map((c) => [c.code, c]));
  for (const card of next.cards) {
    const json = JSON.stringify(card);
    ops.push({ op: 'SET', key: keys.projCard(card.code), value: json });
    // A REMOVED card stays in its last holder's hash: they see it as refunded rather than lose it.
    const holder = card.owner;
    if (holder) ops.push({ op: 'HSET', key: keys.projUserCards(holder), field: card.code, value: json });
    const before = prevCards.get(card.code);
    if (before?.owner && before.owner !== holder) ops.push({ op: 'HDEL', key: keys.projUserCards(before.owner), field: card.code });
    prevCards.delete(card.code);
  }
  // Cards WeChat no longer lists in the order (not expected; kept exact all the same).
  for (const gone of prevCards.values()) {
    ops.push({ op: 'DEL', key: keys.projCard(gone.code) });
    if (gone.owner) ops.push({ op: 'HDEL', key: keys.projUserCards(gone.owner), field: gone.code });
  }
  for (const viewer of next.viewers) ops.push({ op: 'ZADD', key: keys.projUserOrders(viewer), score: next.create_time, member: next.order_id });
  const stillSee = new Set(next.viewers);
  for (const viewer of prev?.viewers ?? []) {
    if (!stillSee.has(viewer)) ops.push({ op: 'ZREM', key: keys.projUserOrders(viewer), member: next.order_id });
  }
  // Everyone whose lists may read differently now: their cached lists are out of date.
  const touched = new Set([...next.viewers, ...(prev?.viewers ?? [])]);
  for (const c of [...next.cards, ...(prev?.cards ?? [])]) if (c.owner) touched.add(c.owner);
  for (const user of [...touched].sort()) ops.push({ op: 'INCR', key: keys.projUserVersion(user) });
  return ops;
}

/** A card as one viewer of an order sees it: their own cards in full, others' without code, balance or holder. */
export type CardView =
  | (CardProjection & { mine: true })
  | (Pick<CardProjection, 'card_id' | 'order_id' | 'price' | 'status' | 'background_pic_url' | 'default_gifting_msg'> & { mine: false });

/** An order as one of its viewers sees it. */
export interface OrderView extends Omit<OrderProjection, 'cards' | 'viewers'> {
  /** `buyer`: bought it; `receiver`: got a card of it. */
  role: 'buyer' | 'receiver';
  state: OrderState;
  cards: CardView[];
}

/**
 * The order as `openid` may see it, or null when it is not theirs. A card's code is a bearer
 * credential (it can be consumed), so only its holder sees it: a buyer who gave a card away no
 * longer sees its code or balance, a receiver sees only the cards they hold.
 */
export function orderViewFor(order: OrderProjection, openid: string): OrderView | null {
  if (!order.viewers.includes(openid)) return null;
  const { cards, viewers: _viewers, ...rest } = order;
  return {
    ...rest,
    role: order.buyer === openid ? 'buyer' : 'receiver',
    state: orderState(cards),
    cards: cards.map((c): CardView =>
      cardCodeVisible(c, openid)
        ? { ...c, mine: true }
        : {
            mine: false,
            card_id: c.card_id,
            order_id: c.order_id,
            price: c.price,
            status: c.status,
            background_pic_url: c.background_pic_url,
            default_gifting_msg: c.default_gifting_msg,
          },
    ),
  };
}

/** What an event asks to re-read: a hint only, WeChat's answer decides what is written. */
export type ProjectionTarget =
  | { kind: 'order'; orderId: string }
  | { kind: 'code'; code: string; cardId?: string }
  | { kind: 'invoice'; orderId: string }
  | { kind: 'none' };

/**
 * The projector's handlers, registered per event name: what each event asks to re-read. Events
 * without one are acknowledged as they come.
 */
export const projectionTargets = WECHAT_EVENTS.handlers<ProjectionTarget>()
  .on(['giftcard_pay_done', 'giftcard_send_to_friend', 'giftcard_user_accept'], (e) => ({ kind: 'order', orderId: e.OrderId }))
  .on(['user_get_card', 'user_gifting_card'], (e) => ({ kind: 'code', code: e.UserCardCode, cardId: e.CardId }))
  .on('user_authorize_invoice', (e) => ({ kind: 'invoice', orderId: e.SuccOrderId || e.FailOrderId }));

export function projectionTarget(event: WechatEvent): ProjectionTarget {
  return projectionTargets.handle(event) ?? { kind: 'none' };
}

/**
 * What a change the BFF made through WeChat (a merchant API call, by its `area.method` endpoint and
 * request) asks to re-read: WeChat pushes no event for a balance update, a consume or a refund.
 */
export function merchantChangeTarget(endpoint: string, input: unknown): ProjectionTarget {
  const req = (input ?? {}) as { code?: unknown; card_id?: unknown; order_id?: unknown };
  switch (endpoint) {
    case 'code.updateUserBalance':
    case 'code.consumeCode':
      if (typeof req.code !== 'string' || !req.code) return { kind: 'none' };
      return { kind: 'code', code: req.code, ...(typeof req.card_id === 'string' && req.card_id && { cardId: req.card_id }) };
    case 'order.refundOrder':
      return typeof req.order_id === 'string' && req.order_id ? { kind: 'order', orderId: req.order_id } : { kind: 'none' };
    default:
      return { kind: 'none' };
  }
}

/** A record a list shows: its order, when WeChat was read for it, and whether it can still change. */
export interface FreshnessRecord {
  order_id: string;
  read_at: number;
  /** Refunded (REMOVED): final, WeChat will not change it again, so it is never re-read for age. */
  settled?: boolean;
}

/**
 * Which orders a list request re-reads: those whose projection was read from WeChat more than
 * `maxAgeMs` before `now` and can still change, oldest read first, each once (a card names its
 * order), at most `limit`.
 */
export function staleOrderIds(records: Iterable<FreshnessRecord>, now: number, maxAgeMs: number, limit: number): string[] {
  const oldest = new Map<string, number>();
  for (const r of records) {
    if (r.settled || now - r.read_at <= maxAgeMs) continue;
    const seen = oldest.get(r.order_id);
    if (seen === undefined || r.read_at < seen) oldest.set(r.order_id, r.read_at);
  }
  return [...oldest]
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, Math.max(0, limit))
    .map(([id]) => id);
}
