import { formatFen } from '@giftcard/shared/money'

export { formatFen }

const pad = (n: number) => (n < 10 ? `0${n}` : String(n))

/** Unix seconds → "2026年12月1日" (local time). */
export function formatDate(sec: number): string {
  const d = new Date(sec * 1000)
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`
}

/** Unix seconds → "2026年12月1日 14:05" (local time). */
export function formatDateTime(sec: number): string {
  const d = new Date(sec * 1000)
  return `${formatDate(sec)} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** A card's validity, "长期有效" without an end. */
export function formatValidity(begin: number | null, end: number | null): string {
  if (end === null) return begin === null ? '长期有效' : `${formatDate(begin)} 起长期有效`
  return begin === null ? `至 ${formatDate(end)}` : `${formatDate(begin)} 至 ${formatDate(end)}`
}

/** A card's validity in a list, by its end: "有效期至 2027年11月30日", or "长期有效". */
export function formatExpiry(end: number | null): string {
  return end === null ? '长期有效' : `有效期至 ${formatDate(end)}`
}
