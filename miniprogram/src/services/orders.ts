import { useCallback, useEffect, useRef, useState } from 'react'
import type { Order, OrderCard } from '@giftcard/shared/api'

import { api } from './api'
import { formatFen } from './format'
import { GIFT_RETURNED_TEXT, cardTitle } from './card'

export const ORDERS_PAGE_SIZE = 10

export interface OrderPages {
  state: 'loading' | 'ready' | 'error'
  orders: Order[]
  total: number
  error?: Error
  /** Loads the next page (no-op when all are shown or one is loading). */
  more: () => void
  /** Starts again from the first page. */
  reload: () => void
}

/** My orders, newest first, ORDERS_PAGE_SIZE at a time. */
export function useOrderPages(): OrderPages {
  const [orders, setOrders] = useState<Order[]>([])
  const [total, setTotal] = useState(0)
  const [state, setState] = useState<OrderPages['state']>('loading')
  const [error, setError] = useState<Error>()
  const busy = useRef(false)
  const fetchPage = useCallback(async (offset: number) => {
    if (busy.current) return
    busy.current = true
    setState('loading')
    try {
      const page = await api.orders({ offset, limit: ORDERS_PAGE_SIZE })
      setOrders((prev) => (offset === 0 ? page.orders : [...prev, ...page.orders]))
      setTotal(page.total)
      setState('ready')
    } catch (e) {
      setError(e as Error)
      setState('error')
    } finally {
      busy.current = false
    }
  }, [])
  useEffect(() => {
    void fetchPage(0)
  }, [fetchPage])
  return {
    state,
    orders,
    total,
    error,
    more: () => {
      if (orders.length < total) void fetchPage(orders.length)
    },
    reload: () => void fetchPage(0),
  }
}

/** The cards of an order in a few words: "共 2 张 · 已赠送 1 张". */
export function orderCardsText(order: Order): string {
  const given = order.role === 'buyer' ? order.cards.filter((c) => !c.mine).length : 0
  return given > 0 ? `共 ${order.cards.length} 张 · 已赠送 ${given} 张` : `共 ${order.cards.length} 张`
}

/** What the order bought, by its first card's title: "¥50 心意礼品卡", "¥50 心意礼品卡 等 3 张". */
export function orderTitle(order: Order): string {
  const first = order.cards[0]
  if (!first) return '礼品卡订单'
  const title = cardTitle(first)
  return order.cards.length > 1 ? `${title} 等 ${order.cards.length} 张` : title
}

/** 已退款 once WeChat refunded the order; a receiver sees 好友赠送 (the payment is the buyer's); else 已支付. */
export function orderStateText(order: Order): string {
  if (order.state === 'refunded') return '已退款'
  if (order.role === 'receiver') return '好友赠送'
  return order.pay_finish_time ? '已支付' : '待支付'
}

export function roleText(order: Order): string {
  return order.role === 'buyer' ? '我购买的' : '好友赠送'
}

/** Who holds a card of the order, as the buyer sees it. */
export function holderText(card: OrderCard): string {
  if (card.mine && card.gift_returned) return GIFT_RETURNED_TEXT
  return card.mine ? '我持有' : '已赠送给好友'
}

export type TimelineKey = 'paid' | 'received' | 'sent' | 'accepted' | 'returned' | 'used' | 'refunded'

export interface TimelineStep {
  key: TimelineKey
  label: string
  /** Unix seconds, where the order says when. */
  time?: number
  detail?: string
}

/**
 * What happened to the order, as far as it says: paid (or received from a friend), sent, accepted,
 * used, refunded. Only the steps that happened; WeChat gives a time for the payment alone.
 */
export function orderTimeline(order: Order): TimelineStep[] {
  const steps: TimelineStep[] = []
  const mine = order.cards.filter((c) => c.mine)
  if (order.role === 'buyer') {
    steps.push({ key: 'paid', label: '下单并付款', time: order.pay_finish_time ?? order.create_time, detail: orderCardsText(order) })
    const sending = mine.filter((c) => c.status === 'GIFTING').length
    const accepted = order.cards.length - mine.length
    if (sending + accepted > 0) steps.push({ key: 'sent', label: '已赠送', detail: `赠送给好友 ${sending + accepted} 张` })
    if (accepted > 0) steps.push({ key: 'accepted', label: '好友已领取', detail: `好友已领取 ${accepted} 张` })
    const returned = mine.filter((c) => c.mine && c.gift_returned).length
    if (returned > 0) steps.push({ key: 'returned', label: '已退回', detail: `${GIFT_RETURNED_TEXT} ${returned} 张` })
  } else {
    steps.push({ key: 'received', label: '已领取', detail: `收到好友赠送的礼品卡 ${mine.length} 张` })
  }
  // Spending is not "used": a partly spent card still holds money. What was spent, what is used up, what the merchant consumed.
  const live = mine.filter((c) => c.status !== 'REMOVED' && c.status !== 'CONSUMED' && c.balance !== null)
  const spent = live.reduce((sum, c) => sum + Math.max(0, c.price - (c.balance ?? c.price)), 0)
  const usedUp = live.filter((c) => c.balance === 0).length
  const consumed = mine.filter((c) => c.status === 'CONSUMED').length
  const used = [spent > 0 && `共消费 ${formatFen(spent)}`, usedUp > 0 && `${usedUp} 张已用完`, consumed > 0 && `${consumed} 张已核销`].filter(Boolean)
  if (used.length > 0) steps.push({ key: 'used', label: '已消费', detail: used.join(' · ') })
  if (order.state === 'refunded') steps.push({ key: 'refunded', label: '已退款', detail: '商家已退款，礼品卡已收回' })
  return steps
}
