import type { GiftCardOrder } from '@giftcard/shared';
import { WechatFault, invalidArgs } from '../../core/fault';
import type { Ledger, SandboxCode } from './ledger';

/** An order the buyer sent to a friend or a group chat (002 §10.2), until accepted (§10.3). */
interface OrderGift {
  giver: string;
  isChatRoom: boolean;
  /** When it was sent (sandbox clock): unclaimed 24 hours later it comes back (§10.4). */
  sentAt: number;
}

/** §10.4: a gift nobody accepted within 24 hours goes back to the giver's card pack. */
export const GIFT_RETURN_AFTER_S = 24 * 60 * 60;
/**
 * A timed-out card is GIFT_TIMEOUT (code/get) for this long, then back in the giver's card pack,
 * NORMAL, with the "normal re-collect" user_get_card of §10.4. WeChat states no figure: the sandbox
 * takes one minute, so a test sees both states by moving the clock.
 */
export const GIFT_TIMEOUT_SHOWN_S = 60;

/** What a sweep of the gift desk did at the sandbox clock's time, for the world to push. */
export interface GiftSweep {
  /** Sent orders whose unaccepted cards timed out (giftcard_send_to_friend, IsReturnBack true). */
  orders: { order: GiftCardOrder; giver: string; isChatRoom: boolean }[];
  /** Cards given from a card pack that timed out (user_gifting_card, IsReturnBack 1). */
  cards: { code: SandboxCode; gift: CardGift }[];
  /** Timed-out codes now back in the giver's card pack (user_get_card, IsGiveByFriend 0). */
  restored: SandboxCode[];
}

/** One card given from the card pack (002 §10.4 "Gift giving"), until a friend takes it. */
export interface CardGift {
  giver: string;
  /** The friend it was given to; none when sent to a group chat or not named. */
  friend?: string;
  isChatRoom: boolean;
  sentAt: number;
}

/**
 * Gifts on their way (002 §2.1, §10). While a gift waits, its codes answer GIFTING in code/get;
 * once accepted they belong to the receiver (code/get `openid`) and the order names the
 * receiver (§9.1 `accepter_openid`; per card too for a group chat, where each member takes one card).
 * Codes keep their value: the sandbox's codes are never changed on a gift (§10.4 OldUserCardCode stays empty).
 */
export class GiftDesk {
  private orders = new Map<string, OrderGift>();
  private cards = new Map<string, CardGift>();
  private gifting = new Set<string>();
  /** Codes whose gift timed out, until they are back in the giver's card pack: code → when they timed out. */
  private timedOut = new Map<string, number>();

  constructor(private readonly ledger: Ledger) {}

  /** Whether the code is on its way to someone (code/get: GIFTING, not consumable). */
  isGifting(code: string): boolean {
    return this.gifting.has(code);
  }

  /** Whether the code's gift timed out and it is not back in the card pack yet (code/get: GIFT_TIMEOUT). */
  isTimedOut(code: string): boolean {
    return this.timedOut.has(code);
  }

  /**
   * §10.4 at `now`: gifts sent 24 hours ago or more and not accepted time out (their codes GIFT_TIMEOUT,
   * held by the giver again); codes timed out GIFT_TIMEOUT_SHOWN_S ago are back in the card pack (NORMAL).
   */
  sweep(now: number): GiftSweep {
    const done: GiftSweep = { orders: [], cards: [], restored: [] };
    for (const [code, at] of this.timedOut) {
      if (now - at < GIFT_TIMEOUT_SHOWN_S) continue;
      this.timedOut.delete(code);
      const c = this.ledger.findCode(code);
      if (c && c.status !== 'REFUNDED') done.restored.push(c);
    }
    for (const [orderId, gift] of this.orders) {
      if (now - gift.sentAt < GIFT_RETURN_AFTER_S) continue;
      this.orders.delete(orderId);
      const { order, refunded_at } = this.ledger.order(orderId);
      if (refunded_at !== undefined) continue;
      for (const c of this.ledger.codesOf(orderId)) {
        if (!this.gifting.delete(c.code)) continue;
        c.openid = gift.giver;
        this.timedOut.set(c.code, now);
      }
      // The order can be sent again once its cards are back: it was never accepted.
      if (order.accepter_openid === undefined) order.IsChatRoom = false;
      done.orders.push({ order, giver: gift.giver, isChatRoom: gift.isChatRoom });
    }
    for (const [code, gift] of this.cards) {
      if (now - gift.sentAt < GIFT_RETURN_AFTER_S) continue;
      this.cards.delete(code);
      this.gifting.delete(code);
      const c = this.ledger.findCode(code);
      if (!c || c.status === 'REFUNDED') continue;
      c.openid = gift.giver;
      this.timedOut.set(code, now);
      done.cards.push({ code: c, gift });
    }
    return done;
  }

  /** The buyer sends a paid order to a friend or a group chat. */
  sendOrder(orderId: string, openid: string | undefined, isChatRoom: boolean, now: number): { order: GiftCardOrder; giver: string } {
    const { order, refunded_at } = this.ledger.order(orderId);
    const giver = openid ?? order.open_id;
    if (refunded_at !== undefined) throw invalidArgs(`order ${orderId} was refunded`);
    if (giver !== order.open_id) throw invalidArgs(`only the buyer of order ${orderId} can send it`);
    if (this.orders.has(orderId) || order.accepter_openid !== undefined) throw invalidArgs(`order ${orderId} was sent already`);
    const codes = this.ledger.codesOf(orderId);
    for (const c of codes) this.checkGivable(c, giver);
    order.IsChatRoom = isChatRoom;
    this.orders.set(orderId, { giver, isChatRoom, sentAt: now });
    for (const c of codes) this.gifting.add(c.code);
    return { order, giver };
  }

  /**
   * A friend accepts a sent order: every card, or, from a group chat, the next card nobody took
   * (one per member). The receiver's codes are theirs from now on.
   */
  acceptOrder(orderId: string, openid: string): { order: GiftCardOrder; giver: string; isChatRoom: boolean; received: SandboxCode[] } {
    const { order, refunded_at } = this.ledger.order(orderId);
    const gift = this.orders.get(orderId);
    if (!gift) throw invalidArgs(order.accepter_openid === undefined ? `order ${orderId} was not sent to a friend` : `order ${orderId} was accepted already`);
    if (refunded_at !== undefined) throw invalidArgs(`order ${orderId} was refunded`);
    if (openid === gift.giver) throw invalidArgs(`the buyer cannot accept their own gift (order ${orderId})`);
    let cards = order.card_list;
    if (gift.isChatRoom) {
      if (cards.some((c) => c.accepter_openid === openid)) throw invalidArgs(`${openid} already took a card of order ${orderId}`);
      cards = cards.filter((c) => c.accepter_openid === undefined).slice(0, 1);
      for (const c of cards) c.accepter_openid = openid;
    }
    const received = cards.map((c) => this.ledger.code(c.code));
    for (const c of received) {
      c.openid = openid;
      this.gifting.delete(c.code);
    }
    order.accepter_openid ??= openid;
    if (!order.card_list.some((c) => this.gifting.has(c.code))) this.orders.delete(orderId);
    return { order, giver: gift.giver, isChatRoom: gift.isChatRoom, received };
  }

  /** The holder gives one card of their card pack. */
  giftCard(code: string, openid: string, friend: string | undefined, isChatRoom: boolean, now: number): { code: SandboxCode; gift: CardGift } {
    const c = this.ledger.code(code);
    this.checkGivable(c, openid);
    if (friend === openid) throw invalidArgs('a card cannot be given to its own holder');
    const gift: CardGift = { giver: openid, isChatRoom, sentAt: now, ...(friend !== undefined && { friend }) };
    this.cards.set(code, gift);
    this.gifting.add(code);
    return { code: c, gift };
  }

  /** A friend takes a card given from a card pack. */
  acceptCard(code: string, openid: string): { code: SandboxCode; gift: CardGift } {
    const gift = this.cards.get(code);
    if (!gift) throw invalidArgs(`code ${code} is not being given`);
    const c = this.ledger.code(code);
    if (openid === gift.giver) throw invalidArgs('the giver cannot accept their own gift');
    if (gift.friend !== undefined && !gift.isChatRoom && openid !== gift.friend) throw invalidArgs(`code ${code} was given to another friend`);
    c.openid = openid;
    this.cards.delete(code);
    this.gifting.delete(code);
    return { code: c, gift };
  }

  private checkGivable(c: SandboxCode, holder: string): void {
    if (c.openid !== holder) throw invalidArgs(`code ${c.code} is not in ${holder}'s card pack`);
    if (c.status === 'CONSUMED') throw new WechatFault(40099, `invalid code: ${c.code} has been consumed`);
    if (this.gifting.has(c.code)) throw invalidArgs(`code ${c.code} is being given already`);
    if (this.timedOut.has(c.code)) throw invalidArgs(`code ${c.code} is on its way back to the card pack (GIFT_TIMEOUT)`);
    if (!c.can_give_friend) throw invalidArgs(`code ${c.code} cannot be given to a friend (can_give_friend is off)`);
  }
}
