import Taro from '@tarojs/taro'
import type { Card, CardStatus, OpenCardRequest } from '@giftcard/shared/api'
import { CARD_STATUS_TEXT } from '@giftcard/shared/card-status'
import { formatFen } from '@giftcard/shared/money'
import { parseCardJump, type ParamsInput } from '@giftcard/shared/protocol'

import { api } from './api'

/**
 * The card a card-button jump opened (002 §14.1): `encrypt_code`, `card_id`, `openid`, `outer_str`
 * from the entry's options, decoded once by parseCardJump. null when the page was opened
 * without a jump (nothing to show).
 */
export async function openCardFromJump(params: ParamsInput): Promise<Card | null> {
  const parsed = parseCardJump(params)
  if (!parsed.ok) return null
  const { encryptCode, cardId, openid, outerStr } = parsed.jump
  const req: OpenCardRequest = { encrypt_code: encryptCode, card_id: cardId }
  if (openid !== undefined) req.openid = openid
  if (outerStr !== undefined) req.outer_str = outerStr
  return api.openCard(req)
}

/**
 * The card the card page shows: a card-button jump's, else the user's own card by its `code` (opened
 * from 我的礼品卡); null when the query names neither.
 */
export async function openCardFromQuery(params: Readonly<Record<string, string | undefined>>): Promise<Card | null> {
  if (parseCardJump(params).ok) return openCardFromJump(params)
  const code = params.code
  return code ? api.card(code) : null
}

/** Where a card stands for its holder. Only `usable` is money to spend. */
export type CardStanding = 'usable' | 'used_up' | 'consumed' | 'refunded' | 'expired' | 'gifting' | 'gift_timeout' | 'deleted' | 'unavailable'

export interface CardState {
  standing: CardStanding
  /** A short tag: 可使用, 已用完, 已退款 … */
  label: string
  /** One sentence saying what it means for the holder ('' when usable). */
  hint: string
  /** Whether the balance is money the holder can spend now (shown large and green, with the till codes). */
  spendable: boolean
}

/** WeChat's statuses read as everywhere else (shared/card-status); 已用完 is the Mini Program's own. */
const STATES: Record<Exclude<CardStanding, 'usable'>, Omit<CardState, 'spendable' | 'standing'>> = {
  used_up: { label: '已用完', hint: '这张卡的余额已经用完' },
  consumed: CARD_STATUS_TEXT.CONSUMED,
  refunded: CARD_STATUS_TEXT.REMOVED,
  expired: CARD_STATUS_TEXT.EXPIRE,
  gifting: CARD_STATUS_TEXT.GIFTING,
  gift_timeout: CARD_STATUS_TEXT.GIFT_TIMEOUT,
  deleted: CARD_STATUS_TEXT.DELETE,
  unavailable: CARD_STATUS_TEXT.UNAVAILABLE,
}

const BY_STATUS: Partial<Record<CardStatus, CardStanding>> = {
  CONSUMED: 'consumed',
  REMOVED: 'refunded',
  EXPIRE: 'expired',
  GIFTING: 'gifting',
  GIFT_TIMEOUT: 'gift_timeout',
  DELETE: 'deleted',
  UNAVAILABLE: 'unavailable',
}

/**
 * A card's standing from WeChat's status, its balance (0: used up; the till leaves a used-up card
 * NORMAL in the bag) and its validity (WeChat may not have marked an ended card EXPIRE yet).
 */
export function cardState(
  card: { status: CardStatus; balance?: number | null; end_time?: number | null; can_consume?: boolean },
  nowSec = Date.now() / 1000,
): CardState {
  let standing: CardStanding
  if (card.status !== 'NORMAL') standing = BY_STATUS[card.status] ?? 'unavailable'
  else if (card.end_time != null && card.end_time < nowSec) standing = 'expired'
  else if (card.balance === 0) standing = 'used_up'
  else if (card.can_consume === false || card.balance === null) standing = 'unavailable'
  else standing = 'usable'
  if (standing === 'usable') return { standing, ...CARD_STATUS_TEXT.NORMAL, spendable: true }
  return { standing, ...STATES[standing], spendable: false }
}

/** 002 §10.4: a card given away that nobody accepted within 24 hours came back to its giver. */
export const GIFT_RETURNED_TEXT = '好友未领取，已退回'

/** The card's name as the merchant created it, else its face value: never an id. */
export function cardTitle(card: { title: string | null; face_value?: number | null; price?: number }): string {
  const title = card.title?.trim()
  if (title) return title
  const value = card.face_value ?? card.price
  return typeof value === 'number' ? `${formatFen(value)} 礼品卡` : '礼品卡'
}

/**
 * Opens the card in WeChat's card bag (weapp only), where the holder can give it to a friend with
 * WeChat's own gifting. `code` is the real (decrypted) code. A cancel is not an error.
 */
export async function openInCardBag(card: Pick<Card, 'card_id' | 'code'>): Promise<void> {
  try {
    await Taro.openCard({ cardList: [{ cardId: card.card_id, code: card.code }] })
  } catch (e) {
    const msg = (e as { errMsg?: string }).errMsg ?? ''
    if (!/cancel/i.test(msg)) void Taro.showToast({ title: '暂时无法打开卡包，请稍后再试', icon: 'none' })
  }
}

/**
 * Whether to offer the card bag: for a card with money to give or spend, or one whose gift is under
 * way (WeChat shows where it stands). Not for a card that is used up, over, or no longer in the bag.
 */
export function offerCardBag(state: CardState): boolean {
  return state.spendable || state.standing === 'gifting' || state.standing === 'gift_timeout'
}
