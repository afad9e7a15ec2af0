import Taro from '@tarojs/taro'

/** The current page's query, as Taro hands it (values may or may not still be percent-encoded). */
export function routerParams(): Record<string, string | undefined> {
  return { ...(Taro.getCurrentInstance().router?.params ?? {}) }
}

/** One query parameter, percent-decoded once ('' when absent). */
export function routerParam(name: string): string {
  const v = routerParams()[name]
  if (!v) return ''
  if (v.indexOf('%') < 0) return v
  try {
    return decodeURIComponent(v)
  } catch {
    return v
  }
}

export const routes = {
  shelf: '/pages/shelf/index',
  orders: '/pages/orders/index',
  order: (orderId: string) => `/pages/order/index?order_id=${encodeURIComponent(orderId)}`,
  cards: '/pages/cards/index',
  card: (code: string) => `/pages/card/index?code=${encodeURIComponent(code)}`,
  invoice: (orderId: string) => `/pages/invoice/index?order_id=${encodeURIComponent(orderId)}`,
  web: (url: string) => `/pages/web/index?url=${encodeURIComponent(url)}`,
  notFound: '/pages/not-found/index',
}

export function go(url: string): void {
  void Taro.navigateTo({ url })
}
