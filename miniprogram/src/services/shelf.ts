import type { ShelfResponse } from '@giftcard/shared/api'
import { buildShelfLink } from '@giftcard/shared/protocol'

import { api, ApiError } from './api'

export type Shelf = ShelfResponse['page']
export type Theme = Shelf['theme_list'][number]

/** The shelf to show: `page_id` from the launch query, else the one bound to this Mini Program; null when none is. */
export async function loadShelf(pageIdFromQuery: string): Promise<ShelfResponse | null> {
  let pageId = pageIdFromQuery
  if (!pageId) {
    try {
      pageId = (await api.boundShelf()).page_id
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null
      throw e
    }
  }
  return api.shelf(pageId)
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

/** An item's price in fen, when the BFF knows it (`page/get` itself carries none, 002 §7.3). */
export function itemPrice(item: Theme['item_list'][number], prices: ShelfResponse['prices'] | undefined): number | undefined {
  const price = prices?.[item.card_id]
  return typeof price === 'number' ? price : undefined
}
