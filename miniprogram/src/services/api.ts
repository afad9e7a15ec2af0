import type {
  Card,
  BoundShelfResponse,
  CardHistoryResponse,
  CardsResponse,
  InvoiceRequestInput,
  InvoiceResponse,
  OpenCardRequest,
  OpenCardResponse,
  OrderResponse,
  OrdersResponse,
  ShelfResponse,
} from '@giftcard/shared/api'

import { send, unwrap, type Method } from './http'
import { login, token } from './session'

export { ApiError } from './http'

/**
 * An authenticated call: `Authorization: Bearer <token>`; on 401 the session is renewed once and
 * the call retried once (a second 401 is the caller's ApiError).
 */
async function call<T>(method: Method, path: string, data?: unknown): Promise<T> {
  let res = await send(method, `/api${path}`, data, await token())
  if (res.status === 401) res = await send(method, `/api${path}`, data, await login())
  return unwrap<T>(res)
}

const seg = encodeURIComponent

/** The BFF's Mini Program API, one method per route (bff/src/api/routes.ts). */
export const api = {
  boundShelf: () => call<BoundShelfResponse>('GET', '/shelf'),
  shelf: (pageId: string) => call<ShelfResponse>('GET', `/shelves/${seg(pageId)}`),
  openCard: (req: OpenCardRequest) => call<OpenCardResponse>('POST', '/cards/open', req),
  cards: () => call<CardsResponse>('GET', '/cards'),
  card: (code: string) => call<Card>('GET', `/cards/${seg(code)}`),
  cardHistory: (code: string) => call<CardHistoryResponse>('GET', `/cards/${seg(code)}/history`),
  orders: (page: { offset: number; limit: number }) => call<OrdersResponse>('GET', `/orders?offset=${page.offset}&limit=${page.limit}`),
  order: (orderId: string) => call<OrderResponse>('GET', `/orders/${seg(orderId)}`),
  invoice: (orderId: string) => call<InvoiceResponse>('GET', `/orders/${seg(orderId)}/invoice`),
  submitInvoice: (orderId: string, input: InvoiceRequestInput) => call<InvoiceResponse>('POST', `/orders/${seg(orderId)}/invoice`, input),
}
