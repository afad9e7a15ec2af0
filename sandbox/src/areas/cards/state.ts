import type { GiftCardOrder, GiftCardOrderCard, ShelfTheme } from '@giftcard/shared';
import type { SandboxClock } from '../../core/clock';
import { invalidArgs } from '../../core/fault';
import { CardCatalogue, type CardDefinitionParsed } from './catalogue';
import { GiftDesk } from './gifts';
import { newTransId } from './ids';
import { Ledger, type SandboxCode } from './ledger';
import { PayAccessStore } from './pay';
import { ShelfStore, type SandboxShelf, type ShelfPageParsed, type ShelfPageUpdateParsed } from './shelves';

export interface PurchaseItem {
  card_id: string;
  count: number;
  /** The theme the buyer chose the card in (index of theme_list); default: the first theme selling it. */
  theme_index?: number;
  /** The card face the buyer chose (index of the theme's pic_item_list); default the first. */
  pic_index?: number;
  /** The buyer's own blessing; default the face's default_gifting_msg. */
  gifting_msg?: string;
}

export interface Purchase {
  openid: string;
  page_id: string;
  items: PurchaseItem[];
  /**
   * Bought to give away (the shelf's 送朋友), not to keep. A shelf without support_buy_for_self (§7.2,
   * default false) sells only such purchases.
   */
  gift?: boolean;
  /** The channel value of the shelf link (§7.2 note 2). */
  outer_str?: string;
}

/**
 * Gift cards as WeChat keeps them (spec 002): cards with stock, shelves with their maintain state,
 * WeChat Pay access, the Mini Program binding, orders, codes with balances. Rules that span
 * several of these (a purchase, a refund) live here; each store keeps its own.
 */
export class CardWorld {
  readonly catalogue = new CardCatalogue();
  readonly shelves = new ShelfStore();
  readonly pay = new PayAccessStore();
  readonly ledger = new Ledger();
  /** WeChat users the merchant whitelisted to test shelves still under review (002:681-683, "Set a voucher whitelist"). */
  readonly testers = new Set<string>();
  /** Orders and cards given to friends (§10.2–10.4). */
  readonly gifts = new GiftDesk(this.ledger);

  constructor(private readonly clock: SandboxClock) {}

  createCard(definition: CardDefinitionParsed): { card_id: string } {
    return this.catalogue.create(definition, this.clock.now());
  }

  /** §7.2: every card a theme lists must exist (40073 otherwise). */
  addShelf(page: ShelfPageParsed): SandboxShelf {
    this.checkCardsExist(page.theme_list);
    return this.shelves.add(page, this.clock.now());
  }

  updateShelf(update: ShelfPageUpdateParsed): SandboxShelf {
    this.shelves.get(update.page_id);
    this.checkCardsExist(update.theme_list);
    return this.shelves.update(update);
  }

  /**
   * A user pays for cards on a shelf (§2.1; the order of §9.1). Refused (40097) when the shelf is
   * under maintenance, a card is not on the shelf or out of stock, or several cards are bought at
   * once from a shelf without support_multi. Nothing changes unless everything is accepted; then
   * stock goes down and each card gets a code whose balance is the card's initial balance.
   */
  buy(p: Purchase): GiftCardOrder {
    const shelf = this.shelves.get(p.page_id);
    if (this.shelves.isMaintained(p.page_id)) throw invalidArgs(`shelf ${p.page_id} is under maintenance (maintain/set) and sells nothing`);
    this.checkLive(shelf, p.openid);
    if (!p.gift && shelf.page.support_buy_for_self !== true) {
      throw invalidArgs(`shelf ${p.page_id} does not sell cards to keep (support_buy_for_self is off): the purchase must be given away`);
    }
    const total = p.items.reduce((a, i) => a + i.count, 0);
    if (total < 1) throw invalidArgs('nothing to buy');
    if (total > 1 && !shelf.page.support_multi) throw invalidArgs(`shelf ${p.page_id} sells one card at a time (support_multi is off)`);
    const wanted = new Map<string, number>();
    for (const item of p.items) wanted.set(item.card_id, (wanted.get(item.card_id) ?? 0) + item.count);
    for (const [cardId, count] of wanted) {
      const card = this.catalogue.get(cardId);
      if (card.quantity < count) throw invalidArgs(`card ${cardId} is out of stock (${card.quantity} left, ${count} wanted)`);
    }
    // Each line as the buyer chose it: the theme, the card face and the blessing (§9.1 card_list).
    const lines = p.items.map((item) => {
      const cardId = item.card_id;
      const themes = shelf.page.theme_list;
      const theme = item.theme_index === undefined ? themes.find((t) => t.item_list.some((i) => i.card_id === cardId)) : themes[item.theme_index];
      if (!theme || !theme.item_list.some((i) => i.card_id === cardId)) {
        throw invalidArgs(item.theme_index === undefined ? `card ${cardId} is not on shelf ${p.page_id}` : `card ${cardId} is not in theme ${item.theme_index} of shelf ${p.page_id}`);
      }
      const face = theme.pic_item_list[item.pic_index ?? 0];
      if (!face) throw invalidArgs(`theme "${theme.title}" has no card face ${item.pic_index} (${theme.pic_item_list.length} faces)`);
      return { card: this.catalogue.get(cardId), count: item.count, face, message: item.gifting_msg ?? face.default_gifting_msg };
    });

    const now = this.clock.now();
    const orderId = this.ledger.newOrderId();
    const codes: SandboxCode[] = [];
    const cardList: GiftCardOrderCard[] = [];
    const taken = new Set<string>();
    for (const { card, count, face, message } of lines) {
      card.quantity -= count;
      const validity = this.catalogue.validity(card, now);
      for (let i = 0; i < count; i++) {
        const code = this.ledger.newCode(taken);
        taken.add(code);
        codes.push({
          code,
          card_id: card.card_id,
          order_id: orderId,
          openid: p.openid,
          balance: card.initialBalance,
          bonus: 0,
          status: 'NORMAL',
          ...validity,
          background_pic_url: face.background_pic_url,
          can_give_friend: card.definition.general_card.base_info.can_give_friend ?? true,
          custom_field_values: {},
        });
        cardList.push({
          card_id: card.card_id,
          price: card.price,
          code,
          default_gifting_msg: message,
          background_pic_url: face.background_pic_url,
          ...(face.outer_img_id !== undefined && { outer_img_id: face.outer_img_id }),
        });
      }
    }
    const order: GiftCardOrder = {
      order_id: orderId,
      page_id: p.page_id,
      trans_id: newTransId(),
      create_time: now,
      pay_finish_time: now,
      total_price: lines.reduce((sum, l) => sum + l.card.price * l.count, 0),
      open_id: p.openid,
      card_list: cardList,
      ...(p.outer_str !== undefined && { outer_str: p.outer_str }),
      IsChatRoom: false,
    };
    this.ledger.add(order, codes, shelf.page.need_receipt ?? false);
    return order;
  }

  /**
   * §12.2.1: the order is refunded and its cards leave the card pack (their codes answer 40056 from
   * then on). Refused (40097) for an order refunded already or with a consumed card. Stock is not
   * given back: WeChat does not document it.
   */
  refund(orderId: string): void {
    const entry = this.ledger.order(orderId);
    if (entry.refunded_at !== undefined) throw invalidArgs(`order ${orderId} was refunded already`);
    const codes = this.ledger.codesOf(orderId);
    const consumed = codes.find((c) => c.status === 'CONSUMED');
    if (consumed) throw invalidArgs(`order ${orderId} cannot be refunded: card code ${consumed.code} was consumed`);
    for (const c of codes) c.status = 'REFUNDED';
    entry.refunded_at = this.clock.now();
  }

  isRefunded(orderId: string): boolean {
    return this.ledger.findOrder(orderId)?.refunded_at !== undefined;
  }

  /** The buyer's openid (§9.1 open_id), for areas that need to know whose order it is (invoices). */
  orderBuyer(orderId: string): string | undefined {
    return this.ledger.findOrder(orderId)?.order.open_id;
  }

  /** Whether the order can be invoiced (its shelf's need_receipt when paid, §12.2.2); undefined for an unknown order. */
  orderNeedsReceipt(orderId: string): boolean | undefined {
    return this.ledger.findOrder(orderId)?.need_receipt;
  }

  /** Whether the code may be used at `now`: within its validity. */
  inValidity(code: SandboxCode, now = this.clock.now()): boolean {
    return now >= code.begin_time && (code.end_time === undefined || now <= code.end_time);
  }

  /**
   * The go-live path (002 §7.2 note 4, §8): a shelf sells only once WeChat approved it (before that only
   * to whitelisted test users), WeChat Pay access is complete (a merchant number whitelisted, confirmed
   * in the WeChat Pay back office and bound to the gift card Mini Program) and the shelf is set on that
   * Mini Program with wxa/set. The first step missing is refused with 40097 naming it (the spec gives no
   * finer code).
   */
  private checkLive(shelf: SandboxShelf, openid: string): void {
    const missing = this.goLiveMissing(shelf, openid);
    if (missing) throw invalidArgs(`shelf ${shelf.page_id} cannot sell yet: ${missing}`);
  }

  /** The first step of the go-live path the shelf still misses for this buyer, in the spec's order; undefined: it sells. */
  goLiveMissing(shelf: SandboxShelf, openid?: string): string | undefined {
    const tester = openid !== undefined && this.testers.has(openid);
    if (shelf.review === 'rejected' && !tester) return 'its review was rejected (only whitelisted test users can buy)';
    if (shelf.review === 'checking' && !tester) return 'it is awaiting review (only whitelisted test users can buy until it is approved)';
    const pay = this.pay.progress();
    if (!pay.requested) return 'WeChat Pay gift card access was not requested (/card/giftcard/pay/whitelist/add)';
    if (!pay.opened) return 'WeChat Pay gift card access was not confirmed in the WeChat Pay back office';
    const bound = shelf.wxa_appid === undefined ? this.pay.paysForAny() : this.pay.paysFor(shelf.wxa_appid);
    if (!bound) return `no merchant number with gift card payment is bound to the gift card Mini Program${shelf.wxa_appid ? ` ${shelf.wxa_appid}` : ''} (/card/giftcard/pay/submch/bind)`;
    if (shelf.wxa_appid === undefined) return 'it is not set on the gift card Mini Program (/card/giftcard/wxa/set)';
    return undefined;
  }

  private checkCardsExist(themes: ShelfTheme[]): void {
    for (const theme of themes) for (const item of theme.item_list) this.catalogue.get(item.card_id);
  }
}
