import { onRequest, type RequestOptions } from './doubles/taro'

export type Route = (o: RequestOptions) => { status: number; data?: unknown } | undefined

/** Answers requests by "METHOD /path" (query included); the session route logs in with token "t1". */
export function serve(routes: Record<string, unknown | ((o: RequestOptions) => { status: number; data?: unknown })>): RequestOptions[] {
  const seen: RequestOptions[] = []
  onRequest(async (o) => {
    seen.push(o)
    const key = `${o.method} ${o.url}`
    if (key === 'POST /api/session' && !(key in routes)) return { status: 200, data: { token: 't1', expiresIn: 7200 } }
    if (!(key in routes)) return { status: 404, data: { error: { code: 'not_found', message: `no route ${key}` } } }
    const r = routes[key]
    return typeof r === 'function' ? (r as (o: RequestOptions) => { status: number; data?: unknown })(o) : { status: 200, data: r }
  })
  return seen
}

export const card = (over: Partial<Record<string, unknown>> = {}) => ({
  card_id: 'pCard1',
  code: '110201201245',
  order_id: 'ord-1',
  title: '心意礼品卡',
  notice: '结账时出示卡券',
  description: '1. 全国门店通用\n2. 不找零、不兑换现金',
  face_value: 10000,
  balance: 10000,
  status: 'NORMAL',
  can_consume: true,
  begin_time: null,
  end_time: null,
  background_pic_url: 'https://img/face.png',
  gift_returned: false,
  ...over,
})

export const order = (id: string, over: Partial<Record<string, unknown>> = {}) => ({
  order_id: id,
  page_id: 'page-1',
  create_time: 1_700_000_000,
  pay_finish_time: 1_700_000_010,
  total_price: 20000,
  state: 'paid',
  role: 'buyer',
  cards: [
    { mine: true, card_id: 'pCard1', title: '心意礼品卡', code: '1102', price: 10000, balance: 8800, status: 'NORMAL', begin_time: null, end_time: null, background_pic_url: 'u', default_gifting_msg: '生日快乐', gift_returned: false },
    { mine: false, card_id: 'pCard1', title: '心意礼品卡', price: 10000, status: 'GIFTING', background_pic_url: 'u', default_gifting_msg: '新年快乐' },
  ],
  after_sales: [],
  service_phone: null,
  invoice_offered: true,
  ...over,
})

export const historyEntry = (over: Partial<Record<string, unknown>> = {}) => ({
  id: 'r1',
  kind: 'debit',
  amount: 1200,
  balance_after: 8800,
  created_at: 1_764_570_300,
  note: null,
  reversed_at: null,
  ...over,
})
