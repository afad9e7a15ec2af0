import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';

/**
 * What the BFF knows of the merchant's cards beyond WeChat's shelf answer: the price set at
 * `/card/create` (`base_info.giftcard_info.price`, fen). `page/get` names cards without prices, and
 * WeChat's card query is outside the spec, so the price is recorded when the merchant creates the
 * card through the BFF's own merchant API.
 */
export class CardCatalog {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async recordPrice(cardId: string, priceFen: number): Promise<void> {
    await this.redis.hset(this.keys.cardPrices, cardId, String(priceFen));
  }

  /** card_id → price in fen, for the cards that have one recorded. */
  async prices(cardIds: string[]): Promise<Record<string, number>> {
    const unique = [...new Set(cardIds)];
    if (unique.length === 0) return {};
    const values = await this.redis.hmget(this.keys.cardPrices, ...unique);
    const prices: Record<string, number> = {};
    unique.forEach((id, i) => {
      const v = values[i];
      if (v != null && /^\d+$/.test(v)) prices[id] = Number(v);
    });
    return prices;
  }

  /** Merchant API hook: a successful `/card/create` records the new card's price. */
  async afterMerchantCall(endpoint: string, input: unknown, result: unknown): Promise<void> {
    if (endpoint !== 'giftcard.createCard') return;
    const price = (input as { card?: { general_card?: { base_info?: { giftcard_info?: { price?: unknown } } } } }).card?.general_card?.base_info
      ?.giftcard_info?.price;
    const cardId = (result as { card_id?: unknown }).card_id;
    if (typeof cardId === 'string' && typeof price === 'number') await this.recordPrice(cardId, price);
  }
}
