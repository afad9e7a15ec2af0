import type { ShelfResponse } from '@giftcard/shared/api'
import { buildShelfLink } from '@giftcard/shared/protocol'

import { api, ApiError } from './api'

export type Shelf = ShelfResponse['page']
export type Theme = Shelf['theme_list'][number]

/**
 * The shelf to show: `page_id` from the launch query, else the one bound to this Mini Program (one
 * call: the BFF answers the bound shelf whole); null when none is bound.
 */
export async function loadShelf(pageIdFromQuery: string): Promise<ShelfResponse | null> {
  if (pageIdFromQuery) return api.shelf(pageIdFromQuery)
  try {
    return await api.boundShelf()
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null
    throw e
  }
}

/** The link that opens the shelf in WeChat (002 §7.2), with this Mini Program as the sales channel. */
export function shelfBuyLink(pageId: string): string {
  return buildShelfLink({ pageId, outerStr: 'miniprogram' })
}

export interface ThemeGroup {
  title: string
  themes: Theme[]
}

/** Themes grouped by category_list (in its order); banner themes and themes without a category come last. */
export function groupThemes(shelf: Shelf): ThemeGroup[] {
  const cats = shelf.category_list ?? []
  const groups: ThemeGroup[] = cats.map((c) => ({ title: c.title, themes: [] }))
  const rest: ThemeGroup = { title: cats.length ? '更多' : '', themes: [] }
  for (const t of shelf.theme_list) {
    const i = t.category_index
    if (i !== undefined && i < groups.length) groups[i]!.themes.push(t)
    else rest.themes.push(t)
  }
  return [...groups, rest].filter((g) => g.themes.length > 0)
}

/**
 * An item's name beside its price: a title that starts with the same amount ("¥50 心意礼品卡" at
 * ¥50.00) drops it, so the price shows once.
 */
export function itemName(title: string | undefined, fen: number | undefined): string {
  const name = title?.trim() || '礼品卡'
  if (fen === undefined || fen % 100 !== 0) return name
  const yuan = String(fen / 100)
  // Whole amounts only: "¥500 礼品卡" at ¥50 keeps its title. Before the amount only ¥ or a space can
  // stand (a lookbehind would throw on older iOS JavaScriptCore); after it, no digit or point.
  const m = new RegExp(`^(?:¥|￥)\\s*${yuan}(?:\\.00?)?(?![\\d.])(?:\\s*元)?\\s*`).exec(name)
  const rest = m ? name.slice(m[0].length).trim() : ''
  return rest || name
}

/** An item's price in fen, when the BFF knows it (`page/get` itself carries none, 002 §7.3). */
export function itemPrice(item: Theme['item_list'][number], prices: ShelfResponse['prices'] | undefined): number | undefined {
  const price = prices?.[item.card_id]
  return typeof price === 'number' ? price : undefined
}
