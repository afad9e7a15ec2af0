/**
 * Each card status as a card holder or a cashier reads it: one short tag and one sentence, the same on
 * the landing card page, the till's command line and the Mini Program (which adds only its own
 * 已用完 and given-away distinctions). WeChat's statuses (user_card_status) and REMOVED, a card taken
 * back by a refund (002 §12.2.1).
 *
 * Zod-free, with no imports at run time: the Mini Program bundles it.
 */
import type { CardStatus } from './api/cards';

export interface CardStatusText {
  /** A short tag: 可使用, 已核销, 已退款 … */
  label: string;
  /** One sentence saying what it means for the holder, without a full stop ('' for NORMAL). */
  hint: string;
}

export const CARD_STATUS_TEXT: Readonly<Record<CardStatus, Readonly<CardStatusText>>> = {
  NORMAL: { label: '可使用', hint: '' },
  CONSUMED: { label: '已核销', hint: '这张卡已由商家核销，不能再使用' },
  EXPIRE: { label: '已过期', hint: '这张卡已过有效期，不能再使用' },
  GIFTING: { label: '转赠中', hint: '这张卡正在转赠给朋友，对方领取前不能使用' },
  GIFT_TIMEOUT: { label: '已退回', hint: '好友未在 24 小时内领取，礼品卡已退回你的卡包' },
  DELETE: { label: '已删除', hint: '这张卡已从微信卡包中删除' },
  UNAVAILABLE: { label: '不可用', hint: '这张卡暂时不能使用，如有疑问请联系商家' },
  REMOVED: { label: '已退款', hint: '这张卡所属的订单已退款，卡已收回' },
};
