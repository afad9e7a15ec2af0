import type { CardStatus } from '@giftcard/shared/api'
import { formatFen } from '@giftcard/shared/money'

export { formatFen }

/** Unix seconds → "2025-01-31" (local time). */
export function formatDate(sec: number): string {
  const d = new Date(sec * 1000)
  const p = (n: number) => (n < 10 ? `0${n}` : String(n))
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

/** A card's validity, "长期有效" without an end. */
export function formatValidity(begin: number | null, end: number | null): string {
  if (end === null) return begin === null ? '长期有效' : `${formatDate(begin)} 起长期有效`
  return begin === null ? `至 ${formatDate(end)}` : `${formatDate(begin)} 至 ${formatDate(end)}`
}

/** Balance in yuan; null means WeChat no longer knows the code (refunded). */
export function formatBalance(balance: number | null): string {
  return balance === null ? '已失效' : formatFen(balance)
}

const STATUS: Record<CardStatus, string> = {
  NORMAL: '可使用',
  CONSUMED: '已用完',
  EXPIRE: '已过期',
  GIFTING: '转赠中',
  GIFT_TIMEOUT: '转赠超时',
  DELETE: '已删除',
  UNAVAILABLE: '已失效',
  REMOVED: '已移除',
}

export function cardStatusText(status: CardStatus): string {
  return STATUS[status] ?? status
}
