import Taro from '@tarojs/taro'
import { parseCardJump } from '@giftcard/shared/protocol'

/**
 * How the Mini Program was entered, for card-button jumps (002 §14.1). WeChat hands a jump's query to
 * App.onShow on every entry, cold or warm; a page already on screen keeps its old load query, and a
 * page's own onShow gets no options. So the App records each entry here (app.ts), and the card page
 * asks on every show which jump to open (`jumpPicker`).
 */
export type Query = Readonly<Record<string, string | undefined>>

export interface Entry {
  /** Increases with every recorded entry; 0 is the cold start's enter options. */
  seq: number
  query: Query
}

let latest: Entry | null = null
let seq = 0

/** App.onShow: remembers the entry's query when it carries a card jump (other entries change nothing). */
export function recordAppShow(options?: { query?: Query } | null): void {
  const query = options?.query
  if (query && parseCardJump(query).ok) latest = { seq: ++seq, query: { ...query } }
}

/** The latest card-jump entry: recorded by App.onShow, else the cold start's (`getEnterOptionsSync`); null: none. */
export function latestJumpEntry(): Entry | null {
  if (latest) return latest
  const query = Taro.getEnterOptionsSync?.()?.query as Query | undefined
  return query && parseCardJump(query).ok ? { seq: 0, query } : null
}

/**
 * For one page instance: the jump to open on each show. The first show opens the page's own query
 * when it carries a jump (the entry's query otherwise); a later show switches to an entry newer than
 * the last one the page saw, so a second jump into a warm Mini Program opens the new card.
 */
export function jumpPicker(): (routerQuery: Query) => Query {
  let seen = -1
  let current: Query | null = null
  return (routerQuery) => {
    const entry = latestJumpEntry()
    if (current === null) {
      // The page's own query wins when it names a card (a jump, or a code from 我的礼品卡).
      current = parseCardJump(routerQuery).ok || routerQuery.code || !entry ? routerQuery : entry.query
      seen = entry?.seq ?? -1
    } else if (entry && entry.seq > seen) {
      current = entry.query
      seen = entry.seq
    }
    return current
  }
}

/** Which card a query opens ('' for none): two shows of the same jump (or code) have the same key. */
export function jumpKey(query: Query): string {
  const parsed = parseCardJump(query)
  if (parsed.ok) return `${parsed.jump.cardId}\n${parsed.jump.encryptCode}`
  return query.code ? `code\n${query.code}` : ''
}
