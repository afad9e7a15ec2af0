import type { CardDefinitionInfo } from '@giftcard/shared/api';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';

/**
 * What the BFF knows of the merchant's cards beyond WeChat's shelf and code answers: the price,
 * title, notice and description set at `/card/create` (`base_info`), and the `init_balance` when it is
 * not the price. `page/get` names cards without
 * prices and code/get names no title, and WeChat's card query is outside the spec, so they are
 * recorded when the merchant creates the card through the BFF's own merchant API.
 */
export class CardCatalog {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async recordPrice(cardId: string, priceFen: number): Promise<void> {
    await this.redis.hset(this.keys.cardPrices, cardId, String(priceFen));
  }

  /** A card whose `init_balance` is not its price (sold at a discount, or with a bonus). */
  async recordInitialBalance(cardId: string, fen: number): Promise<void> {
    await this.redis.hset(this.keys.cardInitialBalances, cardId, String(fen));
  }

  async recordInfo(cardId: string, info: CardDefinitionInfo): Promise<void> {
    await this.redis.hset(this.keys.cardInfo, cardId, JSON.stringify(info));
  }

  /** card_id → price in fen, for the cards that have one recorded. */
  prices(cardIds: string[]): Promise<Record<string, number>> {
    return this.fenOf(this.keys.cardPrices, cardIds);
  }

  /**
   * card_id → what the card holds when bought, for the cards created with an `init_balance` other than
   * their price; any other card starts at the price paid.
   */
  initialBalances(cardIds: string[]): Promise<Record<string, number>> {
    return this.fenOf(this.keys.cardInitialBalances, cardIds);
  }

  /**
   * card_id → what the card face shows when bought (its face value), for the cards created through this
   * BFF: the `init_balance` where it has one (002 §6.3), else the price. A card not created here has
   * none: its face value is the price paid for it (the order says).
   */
  async faceValues(cardIds: string[]): Promise<Record<string, number>> {
    const [prices, initial] = await Promise.all([this.prices(cardIds), this.initialBalances(cardIds)]);
    return { ...prices, ...initial };
  }

  private async fenOf(hash: string, cardIds: string[]): Promise<Record<string, number>> {
    const unique = [...new Set(cardIds)];
    if (unique.length === 0) return {};
    const values = await this.redis.hmget(hash, ...unique);
    const fen: Record<string, number> = {};
    unique.forEach((id, i) => {
      const v = values[i];
      if (v != null && /^\d+$/.test(v)) fen[id] = Number(v);
    });
    return fen;
  }

  /** card_id → title, notice and description; every field null for a card not created through the BFF. */
  async infos(cardIds: string[]): Promise<Record<string, CardDefinitionInfo>> {
    const unique = [...new Set(cardIds)];
    const out: Record<string, CardDefinitionInfo> = {};
    if (unique.length === 0) return out;
    const values = await this.redis.hmget(this.keys.cardInfo, ...unique);
    unique.forEach((id, i) => {
      out[id] = parseInfo(values[i] ?? null);
    });
    return out;
  }

  async info(cardId: string): Promise<CardDefinitionInfo> {
    return (await this.infos([cardId]))[cardId]!;
  }

  /** Merchant API hook: a successful `/card/create` records the new card's price, title and texts. */
  async afterMerchantCall(endpoint: string, input: unknown, result: unknown): Promise<void> {
    if (endpoint !== 'giftcard.createCard') return;
    type BaseInfo = { title?: unknown; notice?: unknown; description?: unknown; giftcard_info?: { price?: unknown } };
    const card = (input as { card?: { general_card?: { base_info?: BaseInfo; init_balance?: unknown } } }).card?.general_card;
    const base = card?.base_info;
    const cardId = (result as { card_id?: unknown }).card_id;
    if (typeof cardId !== 'string' || !base) return;
    const price = base.giftcard_info?.price;
    if (typeof price === 'number') await this.recordPrice(cardId, price);
    if (typeof card.init_balance === 'number' && card.init_balance !== price) await this.recordInitialBalance(cardId, card.init_balance);
    await this.recordInfo(cardId, { title: text(base.title), notice: text(base.notice), description: text(base.description) });
  }
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

function parseInfo(json: string | null): CardDefinitionInfo {
  if (json === null) return { title: null, notice: null, description: null };
  const v = JSON.parse(json) as Partial<CardDefinitionInfo>;
  return { title: v.title ?? null, notice: v.notice ?? null, description: v.description ?? null };
}
