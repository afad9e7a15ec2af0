import type { Card, CardDefinitionInfo, CardsResponse, OpenCardRequest, Order, OrderCard } from '@giftcard/shared/api';
import { HttpError } from '../http/errors';
import type { CardProjection, OrderView, ProjectionStore } from '../projector';
import type { CardCatalog } from '../services/card-catalog';
import { isWechatError, WechatError, type WechatClient } from '../wechat';
import type { IdentityLinks } from './identity';

const NOT_FOUND = () => new HttpError(404, 'not_found', 'no such card');

/** What the merchant set at /card/create, for a card created elsewhere: nothing known. */
const UNKNOWN_INFO: CardDefinitionInfo = { title: null, notice: null, description: null };

/** card_id → title, notice and description (CardCatalog.infos), for every card the answer names. */
export type CardInfos = Readonly<Record<string, CardDefinitionInfo>>;
const infoOf = (infos: CardInfos, cardId: string): CardDefinitionInfo => infos[cardId] ?? UNKNOWN_INFO;

/**
 * `POST /api/cards/open` (card-button jump, 002 §14.1): decrypt the code, read it from WeChat; a
 * jump whose openid WeChat confirms as the holder links the user; the card is shown only to its
 * holder. Every refusal is the same 404, so nothing tells a guesser what exists.
 */
export async function openCard(
  deps: { client: WechatClient; identity: IdentityLinks; catalog: CardCatalog; projections: Pick<ProjectionStore, 'card'> },
  miniOpenid: string,
  jump: OpenCardRequest,
): Promise<Card> {
  let info;
  let code: string | undefined;
  try {
    ({ code } = await deps.client.code.decryptCode({ encrypt_code: jump.encrypt_code }));
    info = await deps.client.code.getCode({ code, card_id: jump.card_id, check_consume: false });
  } catch (e) {
    // A code WeChat decrypts but no longer knows was refunded: its last holder, already linked
    // (a refunded code proves no one), sees it as refunded rather than as missing.
    if (code !== undefined && isWechatError(e, 40056)) return refundedCard(deps, miniOpenid, code, jump.card_id);
    if (e instanceof WechatError && (e.kind === 'api' || e.kind === 'invalid_request')) throw NOT_FOUND();
    throw e;
  }
  if (info.card.card_id !== jump.card_id) throw NOT_FOUND();
  if (jump.openid !== undefined && jump.openid === info.openid) await deps.identity.link(miniOpenid, info.openid);
  const serviceOpenid = await deps.identity.serviceOpenidOf(miniOpenid);
  if (serviceOpenid === null || serviceOpenid !== info.openid) throw NOT_FOUND();
  const cardId = info.card.card_id;
  // The face value: what the order says was paid for this code, else the price set at /card/create.
  const [projected, prices, infos] = await Promise.all([deps.projections.card(info.card.code), deps.catalog.prices([cardId]), deps.catalog.infos([cardId])]);
  return {
    ...infoOf(infos, cardId),
    card_id: cardId,
    code: info.card.code,
    order_id: info.order_id,
    balance: info.card.balance,
    face_value: projected?.order_id === info.order_id ? projected.price : (prices[cardId] ?? null),
    status: info.user_card_status,
    can_consume: info.can_consume,
    begin_time: info.card.begin_time,
    end_time: info.card.end_time ?? null,
    background_pic_url: info.background_pic_url ?? null,
  };
}

async function refundedCard(
  deps: { identity: IdentityLinks; catalog: CardCatalog; projections: Pick<ProjectionStore, 'card'> },
  miniOpenid: string,
  code: string,
  cardId: string,
): Promise<Card> {
  const [serviceOpenid, projected] = await Promise.all([deps.identity.serviceOpenidOf(miniOpenid), deps.projections.card(code)]);
  if (!projected || projected.status !== 'REMOVED' || projected.card_id !== cardId || serviceOpenid === null || projected.owner !== serviceOpenid) throw NOT_FOUND();
  const { price: _price, ...card } = cardFromProjection(projected, await deps.catalog.infos([cardId]));
  return card;
}

/** A projected card as its holder sees it; its face value is the price paid for it. */
export function cardFromProjection(c: CardProjection, infos: CardInfos): CardsResponse['cards'][number] {
  return {
    ...infoOf(infos, c.card_id),
    card_id: c.card_id,
    code: c.code,
    order_id: c.order_id,
    price: c.price,
    face_value: c.price,
    balance: c.balance,
    status: c.status,
    can_consume: c.can_consume,
    begin_time: c.begin_time,
    end_time: c.end_time,
    background_pic_url: c.background_pic_url || null,
  };
}

/** The order without other users' openids (buyer, accepters, holders) or the payment's trans_id. */
export function orderFromView(v: OrderView, infos: CardInfos): Order {
  return {
    order_id: v.order_id,
    page_id: v.page_id,
    create_time: v.create_time,
    pay_finish_time: v.pay_finish_time,
    total_price: v.total_price,
    state: v.state,
    role: v.role,
    cards: v.cards.map(
      (c): OrderCard =>
        c.mine
          ? {
              mine: true,
              card_id: c.card_id,
              title: infoOf(infos, c.card_id).title,
              code: c.code,
              price: c.price,
              balance: c.balance,
              status: c.status,
              begin_time: c.begin_time,
              end_time: c.end_time,
              background_pic_url: c.background_pic_url,
              default_gifting_msg: c.default_gifting_msg,
            }
          : { mine: false, card_id: c.card_id, title: infoOf(infos, c.card_id).title, price: c.price, status: c.status, background_pic_url: c.background_pic_url, default_gifting_msg: c.default_gifting_msg },
    ),
  };
}
