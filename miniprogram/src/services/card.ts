import type { Card, OpenCardRequest } from '@giftcard/shared/api'
import { parseCardJump, type ParamsInput } from '@giftcard/shared/protocol'

import { api } from './api'

/**
 * The card a card-button jump opened (002 §14.1): `encrypt_code`, `card_id`, `openid`, `outer_str`
 * from the page's onShow options, decoded once by parseCardJump. null when the page was opened
 * without a jump (nothing to show).
 */
export async function openCardFromJump(params: ParamsInput): Promise<Card | null> {
  const parsed = parseCardJump(params)
  if (!parsed.ok) return null
  const { encryptCode, cardId, openid, outerStr } = parsed.jump
  const req: OpenCardRequest = { encrypt_code: encryptCode, card_id: cardId }
  if (openid !== undefined) req.openid = openid
  if (outerStr !== undefined) req.outer_str = outerStr
  return api.openCard(req)
}
