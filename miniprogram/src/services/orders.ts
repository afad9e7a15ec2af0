import { useCallback, useEffect, useRef, useState } from 'react'
import type { Order, OrderCard } from '@giftcard/shared/api'

import { api } from './api'
import { cardTitle } from './card'

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

/** "已赠出 1 张" style summary of an order's cards. */
export function orderCardsText(order: Order): string {
  const mine = order.cards.filter((c) => c.mine).length
  const others = order.cards.length - mine
  return others > 0 ? `共 ${order.cards.length} 张，已赠出/他人持有 ${others} 张` : `共 ${order.cards.length} 张`
}

/** What the order bought, by its first card's title: "¥50 心意礼品卡", "¥50 心意礼品卡 等 3 张". */
export function orderTitle(order: Order): string {
  const first = order.cards[0]
  if (!first) return '礼品卡订单'
  const title = cardTitle(first)
  return order.cards.length > 1 ? `${title} 等 ${order.cards.length} 张` : title
}

/** 已退款 once WeChat refunded the order, else 已支付 (or 待支付 before payment finished). */
export function orderStateText(order: Order): string {
  if (order.state === 'refunded') return '已退款'
  return order.pay_finish_time ? '已支付' : '待支付'
}

export function roleText(order: Order): string {
  return order.role === 'buyer' ? '我购买的' : '我收到的'
}

/** Who holds a card of the order, as the buyer sees it. */
export function holderText(card: OrderCard): string {
  return card.mine ? '我持有' : '已赠送给好友'
}
