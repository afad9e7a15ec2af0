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

/** WeChat keeps at most 10 pages; past this many, a new page replaces the current one. */
const STACK_LIMIT = 9

function decode(v: string): string {
  try {
    return decodeURIComponent(v)
  } catch {
    return v
  }
}

/** Whether a stack entry (route without a leading slash; query maybe still encoded) is this url. */
function isPage(page: { route?: string; options?: Record<string, string | undefined> } | undefined, url: string): boolean {
  if (!page?.route) return false
  const [path = '', query = ''] = url.split('?')
  if (path.replace(/^\//, '') !== page.route.replace(/^\//, '')) return false
  const want: Record<string, string> = {}
  for (const kv of query.split('&')) {
    if (!kv) continue
    const i = kv.indexOf('=')
    want[decode(i < 0 ? kv : kv.slice(0, i))] = decode(i < 0 ? '' : kv.slice(i + 1))
  }
  const have = page.options ?? {}
  // Taro's own params ($taroTimestamp) are not the page's.
  const keys = Object.keys(have).filter((k) => !k.startsWith('$taro') && have[k] !== undefined && have[k] !== '')
  return keys.length === Object.keys(want).length && keys.every((k) => decode(String(have[k])) === want[k])
}

/**
 * Opens a page. Cross-links (card → 查看订单 → order → card …) would grow WeChat's page stack until
 * navigateTo silently fails at ten: the page just below is gone back to, and near the limit the
 * current page is replaced.
 */
export function go(url: string): void {
  const pages = Taro.getCurrentPages()
  if (pages.length >= 2 && isPage(pages[pages.length - 2], url)) {
    void Taro.navigateBack()
    return
  }
  if (pages.length >= STACK_LIMIT) {
    void Taro.redirectTo({ url })
    return
  }
  void Taro.navigateTo({ url })
}
