import type { cardDefinition, giftCardDefinition, grouponCardDefinition } from '@giftcard/shared';
import type { z } from 'zod';
import { WechatFault } from '../../core/fault';
import { newCardId, unique } from './ids';

export type GiftCardDefinitionParsed = z.output<typeof giftCardDefinition>;
export type GrouponCardDefinitionParsed = z.output<typeof grouponCardDefinition>;
export type CardDefinitionParsed = z.output<typeof cardDefinition>;

/** WeChat's card docs cap a card's stock at 100,000,000; beyond it, or below 0, is 40070 (003 §1.8). */
export const MAX_SKU_QUANTITY = 100_000_000;

const DAY = 24 * 60 * 60;

export interface SandboxCard {
  card_id: string;
  definition: GiftCardDefinitionParsed;
  /** §6.3 giftcard_info.price, in fen. */
  price: number;
  /** What a purchased card starts with, in fen: init_balance when given, else the price. */
  initialBalance: number;
  /** Stock left: each purchase deducts from it (§6.3). */
  quantity: number;
  created_at: number;
}

/** A voucher of another type than a gift card (003 §1.7 GROUPON): created and kept, never on a shelf. */
export interface SandboxVoucher {
  card_id: string;
  definition: GrouponCardDefinitionParsed;
  quantity: number;
  created_at: number;
}

/** A code's validity (Unix seconds); no end for DATE_TYPE_PERMANENT. */
export interface Validity {
  begin_time: number;
  end_time?: number;
}

/** Cards created with /card/create. The sandbox approves them at once (WeChat reviews them first). */
export class CardCatalogue {
  private cards = new Map<string, SandboxCard>();
  private vouchers = new Map<string, SandboxVoucher>();

  /** Any card type the spec shows: a gift card, sold on shelves, or a voucher (003 §1.7), kept. */
  create(definition: CardDefinitionParsed, now: number): { card_id: string } {
    if (definition.card_type === 'GENERAL_CARD') return this.createGiftCard(definition, now);
    const base = definition.groupon.base_info;
    checkStockAndTime(base, now);
    const voucher: SandboxVoucher = { card_id: this.newId(), definition, quantity: base.sku.quantity, created_at: now };
    this.vouchers.set(voucher.card_id, voucher);
    return voucher;
  }

  private newId(): string {
    return unique(newCardId, (id) => this.cards.has(id) || this.vouchers.has(id));
  }

  private createGiftCard(definition: GiftCardDefinitionParsed, now: number): SandboxCard {
    const { base_info } = definition.general_card;
    const { quantity } = checkStockAndTime(base_info, now);
    const card: SandboxCard = {
      card_id: this.newId(),
      definition,
      price: base_info.giftcard_info.price,
      initialBalance: definition.general_card.init_balance ?? base_info.giftcard_info.price,
      quantity,
      created_at: now,
    };
    this.cards.set(card.card_id, card);
    return card;
  }

  find(cardId: string): SandboxCard | undefined {
    return this.cards.get(cardId);
  }

  /** A card of any type. */
  findAny(cardId: string): SandboxCard | SandboxVoucher | undefined {
    return this.cards.get(cardId) ?? this.vouchers.get(cardId);
  }

  /** The gift card, or 40073 (invalid card_id): unknown, or a card of another type. */
  get(cardId: string): SandboxCard {
    const card = this.cards.get(cardId);
    if (!card) {
      const voucher = this.vouchers.get(cardId);
      throw new WechatFault(40073, voucher ? `invalid card_id: ${cardId} is a ${voucher.definition.card_type} card, not a gift card` : `invalid card_id: ${cardId}`);
    }
    return card;
  }

  /**
   * The validity of a code bought at `purchasedAt` (§6.3 date_info): a fixed range; or
   * fixed_begin_term days after purchase for fixed_term days (0 read as "the day of receipt", one
   * day); or from purchase on, without end.
   */
  validity(card: SandboxCard, purchasedAt: number): Validity {
    const date = card.definition.general_card.base_info.date_info;
    switch (date.type) {
      case 'DATE_TYPE_FIX_TIME_RANGE':
        return { begin_time: date.begin_timestamp, end_time: date.end_timestamp };
      case 'DATE_TYPE_FIX_TERM': {
        const begin = purchasedAt + date.fixed_begin_term * DAY;
        return { begin_time: begin, end_time: begin + Math.max(1, date.fixed_term) * DAY };
      }
      case 'DATE_TYPE_PERMANENT':
        return { begin_time: purchasedAt };
    }
  }
}

/** 40070 for a stock out of bounds, 40079 for a validity that ends before it begins or in the past (003 §1.8). */
function checkStockAndTime(base: { sku: { quantity: number }; date_info: GiftCardDefinitionParsed['general_card']['base_info']['date_info'] }, now: number): { quantity: number } {
  const { quantity } = base.sku;
  if (quantity < 0 || quantity > MAX_SKU_QUANTITY) {
    throw new WechatFault(40070, `invalid sku: quantity must be 0..${MAX_SKU_QUANTITY}, got ${quantity}`);
  }
  const date = base.date_info;
  if (date.type === 'DATE_TYPE_FIX_TIME_RANGE') {
    if (date.end_timestamp <= date.begin_timestamp) throw new WechatFault(40079, 'invalid time: end_timestamp must be after begin_timestamp');
    if (date.end_timestamp <= now) throw new WechatFault(40079, 'invalid time: end_timestamp is in the past');
  }
  return { quantity };
}
