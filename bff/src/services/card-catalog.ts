import type { CardDefinitionInfo } from '@giftcard/shared/api';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';

/**
 * What the BFF knows of the merchant's cards beyond WeChat's shelf and code answers: the price,
 * title, notice and description set at `/card/create` (`base_info`). `page/get` names cards without
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

  async recordInfo(cardId: string, info: CardDefinitionInfo): Promise<void> {
    await this.redis.hset(this.keys.cardInfo, cardId, JSON.stringify(info));
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
    const base = (input as { card?: { general_card?: { base_info?: BaseInfo } } }).card?.general_card?.base_info;
    const cardId = (result as { card_id?: unknown }).card_id;
    if (typeof cardId !== 'string' || !base) return;
    if (typeof base.giftcard_info?.price === 'number') await this.recordPrice(cardId, base.giftcard_info.price);
    await this.recordInfo(cardId, { title: text(base.title), notice: text(base.notice), description: text(base.description) });
  }
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

function parseInfo(json: string | null): CardDefinitionInfo {
  if (json === null) return { title: null, notice: null, description: null };
  const v = JSON.parse(json) as Partial<CardDefinitionInfo>;
  return { title: v.title ?? null, notice: v.notice ?? null, description: v.description ?? null };
}
