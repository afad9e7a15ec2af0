import type { Card, CardDefinitionInfo, CardsResponse, OpenCardRequest, Order, OrderCard } from '@giftcard/shared/api';
import { HttpError } from '../http/errors';
import type { CardProjection, OrderView, ProjectionStore } from '../projector';
import { giftReturned } from '../projector/mapping';
import { orderDisclosure } from '../policy';
import type { CardCatalog } from '../services/card-catalog';
import { isNotFound, isTransientWechatFailure, WechatError, type WechatClient } from '../wechat';
import type { IdentityLinks } from './identity';

const NOT_FOUND = () => new HttpError(404, 'not_found', 'no such card');
/** The user bought the card and a friend holds it now: they may know that much (their order says so too). */
const GIVEN_AWAY = () => new HttpError(410, 'given_away', 'the card was given to a friend');

/** What the merchant set at /card/create, for a card created elsewhere: nothing known. */
const UNKNOWN_INFO: CardDefinitionInfo = { title: null, notice: null, description: null };

/** card_id → title, notice and description (CardCatalog.infos), for every card the answer names. */
export type CardInfos = Readonly<Record<string, CardDefinitionInfo>>;
const infoOf = (infos: CardInfos, cardId: string): CardDefinitionInfo => infos[cardId] ?? UNKNOWN_INFO;

type CardDeps = { client: WechatClient; identity: IdentityLinks; catalog: CardCatalog; projections: Pick<ProjectionStore, 'card' | 'order'> };

/**
 * `POST /api/cards/open` (card-button jump, 002 §14.1): decrypt the code, read it from WeChat; a
 * jump whose openid WeChat confirms as the holder links the user; the card is shown only to its
 * holder. Every refusal is the same 404, so nothing tells a guesser what exists.
 */
export async function openCard(deps: CardDeps, miniOpenid: string, jump: OpenCardRequest): Promise<Card> {
  let code: string;
  try {
    ({ code } = await deps.client.code.decryptCode({ encrypt_code: jump.encrypt_code }));
  } catch (e) {
    // Busy or no answer: the user may retry; any refusal of the jump's code is the same 404.
    if (e instanceof WechatError && !isTransientWechatFailure(e)) throw NOT_FOUND();
    throw e;
  }
  return cardFor(deps, miniOpenid, code, jump.card_id, { openid: jump.openid, encryptCode: jump.encrypt_code });
}

/**
 * `GET /api/cards/:code`: a card of the user's own (from 我的礼品卡), read live from WeChat as a
 * jump reads it; anyone else's code, or an unknown one, is 404.
 */
export async function cardByCode(deps: CardDeps, miniOpenid: string, code: string): Promise<Card> {
  // Without a jump nothing can link the user: an unlinked session is refused before WeChat is asked.
  if ((await deps.identity.serviceOpenidOf(miniOpenid)) === null) throw NOT_FOUND();
  return cardFor(deps, miniOpenid, code);
}

/**
 * The code read from WeChat (code/get), shown only to its holder; a `jump` whose openid WeChat
 * confirms as the code's holder links the user first (IdentityLinks.linkByJump). A code WeChat no
 * longer knows was refunded: its last holder, already linked (a refunded code proves no one), sees it as refunded.
 */
async function cardFor(deps: CardDeps, miniOpenid: string, code: string, cardId?: string, jump?: { openid?: string; encryptCode: string }): Promise<Card> {
  let info;
  try {
    info = await deps.client.code.getCode({ code, ...(cardId !== undefined && { card_id: cardId }), check_consume: false });
  } catch (e) {
    if (isNotFound(e)) return refundedCard(deps, miniOpenid, code, cardId);
    if (e instanceof WechatError && !isTransientWechatFailure(e)) throw NOT_FOUND();
    throw e;
  }
  if (cardId !== undefined && info.card.card_id !== cardId) throw NOT_FOUND();
  if (jump?.openid !== undefined && jump.openid === info.openid) await deps.identity.linkByJump(miniOpenid, info.openid, jump.encryptCode);
  const serviceOpenid = await deps.identity.serviceOpenidOf(miniOpenid);
  if (serviceOpenid === null) throw NOT_FOUND();
  if (serviceOpenid !== info.openid) throw (await boughtBy(deps, info.order_id, serviceOpenid)) ? GIVEN_AWAY() : NOT_FOUND();
  const id = info.card.card_id;
  const [projected, infos, faces] = await Promise.all([deps.projections.card(info.card.code), deps.catalog.infos([id]), deps.catalog.faceValues([id])]);
  return {
    ...infoOf(infos, id),
    card_id: id,
    code: info.card.code,
    order_id: info.order_id,
    balance: info.card.balance,
    // The catalog's face value, else the price paid for this code (the order says).
    face_value: faces[id] ?? (projected?.order_id === info.order_id ? projected.price : null),
    status: info.user_card_status,
    can_consume: info.can_consume,
    begin_time: info.card.begin_time,
    end_time: info.card.end_time ?? null,
    background_pic_url: info.background_pic_url ?? null,
    // WeChat's state now, or what the projection read before it (GIFTING, then back with this holder).
    gift_returned: giftReturned(info, projected?.code === info.card.code ? projected : null),
  };
}

/** Whether the user bought the order (so a card of it someone else holds is one they gave away). */
async function boughtBy(deps: CardDeps, orderId: string, serviceOpenid: string): Promise<boolean> {
  return (await deps.projections.order(orderId))?.buyer === serviceOpenid;
}

async function refundedCard(deps: Omit<CardDeps, 'client'>, miniOpenid: string, code: string, cardId: string | undefined): Promise<Card> {
  const [serviceOpenid, projected] = await Promise.all([deps.identity.serviceOpenidOf(miniOpenid), deps.projections.card(code)]);
  const theirs = projected && projected.status === 'REMOVED' && (cardId === undefined || projected.card_id === cardId) && serviceOpenid !== null && projected.owner === serviceOpenid;
  if (!theirs) throw NOT_FOUND();
  const [infos, faces] = await Promise.all([deps.catalog.infos([projected.card_id]), deps.catalog.faceValues([projected.card_id])]);
  const { price: _price, ...card } = cardFromProjection(projected, infos, faces);
  return card;
}

/**
 * A projected card as its holder sees it. Its face value is the catalog's (`CardCatalog.faceValues`:
 * init_balance, else the price), else the price paid.
 */
export function cardFromProjection(c: CardProjection, infos: CardInfos, faceValues: Readonly<Record<string, number>>): CardsResponse['cards'][number] {
  return {
    ...infoOf(infos, c.card_id),
    card_id: c.card_id,
    code: c.code,
    order_id: c.order_id,
    price: c.price,
    face_value: faceValues[c.card_id] ?? c.price,
    balance: c.balance,
    status: c.status,
    can_consume: c.can_consume,
    begin_time: c.begin_time,
    end_time: c.end_time,
    background_pic_url: c.background_pic_url || null,
    gift_returned: c.gift_returned === true,
  };
}

/** The order without other users' openids (buyer, accepters, holders) or the payment's trans_id; total and payment as the policy says. */
export function orderFromView(v: OrderView, infos: CardInfos): Order {
  const shown = orderDisclosure(v.role);
  return {
    order_id: v.order_id,
    page_id: v.page_id,
    create_time: v.create_time,
    pay_finish_time: shown.payment ? v.pay_finish_time : null,
    total_price: shown.total ? v.total_price : null,
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
              gift_returned: c.gift_returned === true,
            }
          : { mine: false, card_id: c.card_id, title: infoOf(infos, c.card_id).title, price: c.price, status: c.status, background_pic_url: c.background_pic_url, default_gifting_msg: c.default_gifting_msg },
    ),
  };
}
