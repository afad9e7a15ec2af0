import { fireEvent, render, screen, waitFor } from '@testing-library/react'

import Taro, { resetTaro, setRouterParams, storage } from '../doubles/taro'
import { order, serve } from '../helpers'
import OrdersPage from '../../src/pages/orders/index'
import OrderPage from '../../src/pages/order/index'
import WebPage from '../../src/pages/web/index'
import { TOKEN_KEY } from '../../src/services/session'

beforeEach(() => {
  resetTaro()
  storage().set(TOKEN_KEY, 'tok')
})

const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => `ord-${from + i}`)

describe('My orders', () => {
  test('loading, then the first page; "load more" appends the next page; tapping opens the detail', async () => {
    serve({
      'GET /api/orders?offset=0&limit=10': { total: 12, offset: 0, limit: 10, orders: ids(0, 10).map((id) => order(id)) },
      'GET /api/orders?offset=10&limit=10': { total: 12, offset: 10, limit: 10, orders: ids(10, 2).map((id) => order(id)) },
    })
    render(<OrdersPage />)
    expect(screen.getByTestId('state-loading')).toBeTruthy()
    expect(await screen.findAllByTestId('order-item')).toHaveLength(10)
    const first = screen.getAllByTestId('order-item')[0]!
    // Named by its cards, dated with the time; the order id is for tests (data-order-id), not a title.
    expect(first.getAttribute('data-order-id')).toBe('ord-0')
    expect(first.textContent).not.toContain('ord-0')
    expect(first.textContent).toContain('¥200.00')
    expect(first.textContent).toContain('心意礼品卡 等 2 张')
    expect(first.textContent).toContain('共 2 张 · 已赠送 1 张')
    expect(screen.getAllByTestId('order-time')[0]!.textContent).toMatch(/^2023年11月1[45]日 \d{2}:\d{2}$/)
    fireEvent.click(screen.getByTestId('load-more'))
    await waitFor(() => expect(screen.getAllByTestId('order-item')).toHaveLength(12))
    expect(screen.getAllByTestId('order-item')).toHaveLength(12)
    expect(screen.queryByTestId('load-more')).toBeNull()
    fireEvent.click(screen.getAllByTestId('order-item')[11]!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/order/index?order_id=ord-11' })
  })

  test('a refunded order says 已退款', async () => {
    serve({ 'GET /api/orders?offset=0&limit=10': { total: 2, offset: 0, limit: 10, orders: [order('ord-1', { state: 'refunded' }), order('ord-2')] } })
    render(<OrdersPage />)
    const items = await screen.findAllByTestId('order-item')
    expect(items[0]!.textContent).toContain('已退款')
    expect(items[1]!.textContent).not.toContain('已退款')
  })

  test('a received order shows no total, and says 好友赠送', async () => {
    serve({ 'GET /api/orders?offset=0&limit=10': { total: 1, offset: 0, limit: 10, orders: [order('ord-r', { role: 'receiver', total_price: null, pay_finish_time: null })] } })
    render(<OrdersPage />)
    const [item] = await screen.findAllByTestId('order-item')
    expect(item!.textContent).toContain('好友赠送')
    expect(item!.textContent).not.toMatch(/¥|NaN|null|undefined/)
  })

  test('no orders is the empty state, with the card-bag hint and the way to the shelf', async () => {
    serve({ 'GET /api/orders?offset=0&limit=10': { total: 0, offset: 0, limit: 10, orders: [] } })
    render(<OrdersPage />)
    const empty = await screen.findByTestId('state-empty')
    expect(empty.textContent).toContain('还没有订单')
    expect(empty.textContent).toContain('请先从微信卡包打开一次礼品卡')
    fireEvent.click(screen.getByTestId('go-shelf'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/shelf/index' })
  })

  test('WeChat busy is 系统繁忙 with 重试; a network failure says so, with 重试 too', async () => {
    let answer: () => { status: number; data?: unknown } = () => ({ status: 503, data: { error: { code: 'wechat_busy', message: 'WeChat is busy' } } })
    serve({ 'GET /api/orders?offset=0&limit=10': () => answer() })
    render(<OrdersPage />)
    const busy = await screen.findByTestId('state-error')
    expect(busy.textContent).toContain('系统繁忙')
    expect(busy.textContent).not.toMatch(/[A-Za-z]/)
    answer = () => {
      throw { errMsg: 'request:fail' }
    }
    fireEvent.click(screen.getByTestId('retry'))
    await waitFor(() => expect(screen.getByTestId('state-error').textContent).toContain('网络连接不可用'))
    expect(screen.getByTestId('retry')).toBeTruthy()
  })
})

describe('Order detail', () => {
  test('shows the cards, who holds them, state, refund and an invoice entry that opens the invoice page', async () => {
    setRouterParams({ order_id: 'ord-7' })
    serve({ 'GET /api/orders/ord-7': order('ord-7') })
    render(<OrderPage />)
    expect(screen.getByTestId('state-loading')).toBeTruthy()
    expect((await screen.findByTestId('order-id')).textContent).toBe('ord-7')
    expect(screen.getByTestId('order-state').textContent).toBe('已支付')
    const cards = screen.getAllByTestId('order-card')
    expect(cards[0]!.textContent).toContain('心意礼品卡')
    expect(cards[0]!.textContent).toContain('面值 ¥100.00')
    expect(cards[0]!.textContent).toContain('我持有')
    expect(cards[0]!.textContent).toContain('余额 ¥88.00')
    expect(cards[1]!.textContent).toContain('已赠送')
    expect(cards[1]!.textContent).not.toContain('余额')
    expect(screen.getByTestId('refund-entry')).toBeTruthy()
    expect(screen.getByTestId('order-total').textContent).toBe('¥200.00')
    expect(screen.getByTestId('order-created').textContent).toMatch(/^2023年11月1[45]日 \d{2}:\d{2}$/)
    fireEvent.click(screen.getByTestId('invoice-entry'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/invoice/index?order_id=ord-7' })
  })

  test('cards given away and not accepted in 24 hours are the buyer\'s again: 好友未领取，已退回 (002 §10.4)', async () => {
    setRouterParams({ order_id: 'ord-5' })
    const returned = { mine: true, card_id: 'pCard1', title: '心意礼品卡', code: '1102', price: 10000, balance: 10000, status: 'NORMAL', begin_time: null, end_time: null, background_pic_url: 'u', default_gifting_msg: '生日快乐', gift_returned: true }
    serve({ 'GET /api/orders/ord-5': order('ord-5', { cards: [returned, { ...returned, code: '1103' }] }) })
    render(<OrderPage />)
    const cards = await screen.findAllByTestId('order-card')
    for (const c of cards) expect(c.textContent).toContain('好友未领取，已退回')
    expect(cards[0]!.textContent).toContain('可使用')
    expect(screen.getByTestId('order-timeline').textContent).toContain('好友未领取，已退回 2 张')
  })

  test('a shelf without need_receipt: no invoice entry on its order (002 §12.2.2)', async () => {
    setRouterParams({ order_id: 'ord-8' })
    serve({ 'GET /api/orders/ord-8': order('ord-8', { invoice_offered: false }) })
    render(<OrderPage />)
    expect((await screen.findByTestId('order-id')).textContent).toBe('ord-8')
    expect(screen.queryByTestId('invoice-entry')).toBeNull()
    expect(screen.getByTestId('card-list')).toBeTruthy()
  })

  test("the merchant's after-sales links open in the web-view page (Mini Program) or as links (H5)", async () => {
    const refund = 'https://merchant.example/refund?order_id=ord-9&openid=o_buyer'
    const links = [
      { title: '申请发票', url: 'https://merchant.example/invoice?order_id=ord-9&openid=o_buyer' },
      { title: '申请退款', url: refund },
    ]
    setRouterParams({ order_id: 'ord-9' })
    serve({ 'GET /api/orders/ord-9': order('ord-9', { after_sales: links }) })
    const { unmount } = render(<OrderPage />)
    await screen.findByTestId('order-id')
    expect(screen.getAllByTestId('after-sales-link').map((l) => l.textContent)).toEqual(['申请发票›', '申请退款›'])
    // Where to ask is said only when the merchant gave no links.
    expect(screen.queryByTestId('refund-entry')).toBeNull()
    fireEvent.click(screen.getAllByTestId('after-sales-link')[1]!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `/pages/web/index?url=${encodeURIComponent(refund)}` })
    unmount()

    process.env.TARO_ENV = 'h5'
    try {
      render(<OrderPage />)
      await screen.findByTestId('order-id')
      expect(screen.getAllByTestId('after-sales-link').map((l) => l.getAttribute('href'))).toEqual(links.map((l) => l.url))
    } finally {
      process.env.TARO_ENV = 'weapp'
    }
  })

  test('the web-view page shows an https page and nothing else', () => {
    setRouterParams({ url: encodeURIComponent('https://merchant.example/refund?order_id=ord-9') })
    const { unmount } = render(<WebPage />)
    expect(screen.getByTestId('web-view').getAttribute('src')).toBe('https://merchant.example/refund?order_id=ord-9')
    unmount()
    for (const url of ['javascript:alert(1)', 'http://merchant.example/refund', '']) {
      setRouterParams({ url })
      const view = render(<WebPage />)
      expect(screen.queryByTestId('web-view')).toBeNull()
      expect(screen.getByTestId('state-empty')).toBeTruthy()
      view.unmount()
    }
  })

  test('a refunded order and its cards say 已退款; a used-up card shows ¥0.00, not green', async () => {
    setRouterParams({ order_id: 'ord-5' })
    const o = order('ord-5')
    serve({
      'GET /api/orders/ord-5': order('ord-5', {
        state: 'refunded',
        cards: [{ ...o.cards[0], balance: null, status: 'REMOVED' }],
      }),
      'GET /api/orders/ord-6': order('ord-6', { cards: [{ ...o.cards[0], balance: 0 }] }),
    })
    const { unmount } = render(<OrderPage />)
    expect((await screen.findByTestId('order-state')).textContent).toBe('已退款')
    const refunded = screen.getByTestId('order-card')
    expect(refunded.textContent).toContain('已退款')
    expect(refunded.textContent).not.toMatch(/可使用|已失效|null/)
    unmount()
    setRouterParams({ order_id: 'ord-6' })
    render(<OrderPage />)
    expect((await screen.findByTestId('order-state')).textContent).toBe('已支付')
    const usedUp = screen.getByTestId('order-card')
    expect(usedUp.textContent).toContain('已用完')
    expect(screen.getByTestId('order-card-balance').textContent).toBe('余额 ¥0.00')
    expect(screen.getByTestId('order-card-balance').className).not.toContain('accent')
  })

  test("a received order has no invoice entry and shows none of the buyer's payment", async () => {
    setRouterParams({ order_id: 'ord-8' })
    const o = order('ord-8')
    serve({ 'GET /api/orders/ord-8': order('ord-8', { role: 'receiver', total_price: null, pay_finish_time: null, cards: [o.cards[0]] }) })
    render(<OrderPage />)
    await screen.findByTestId('order-id')
    expect(screen.queryByTestId('invoice-entry')).toBeNull()
    expect(screen.queryByTestId('order-total')).toBeNull()
    expect(screen.getByTestId('order-state').textContent).toBe('好友赠送')
    expect(screen.getByTestId('order-timeline').textContent).toContain('收到好友赠送的礼品卡 1 张')
    expect(document.body.textContent).not.toMatch(/已支付|NaN|null|undefined/)
  })

  test('the timeline: paid with its time, sent, accepted, used, refunded, as far as the order says', async () => {
    setRouterParams({ order_id: 'ord-t' })
    const o = order('ord-t')
    // One card still mine and partly spent, one a friend accepted.
    serve({ 'GET /api/orders/ord-t': order('ord-t') , 'GET /api/orders/ord-r': order('ord-r', { state: 'refunded', cards: [{ ...o.cards[0], balance: null, status: 'REMOVED' }] }) })
    const { unmount } = render(<OrderPage />)
    const timeline = await screen.findByTestId('order-timeline')
    expect([...timeline.querySelectorAll('[data-testid^=timeline-]')].map((e) => e.getAttribute('data-testid'))).toEqual(['timeline-paid', 'timeline-sent', 'timeline-accepted', 'timeline-used'])
    expect(screen.getByTestId('timeline-paid').textContent).toMatch(/下单并付款2023年11月1[45]日 \d{2}:\d{2}共 2 张 · 已赠送 1 张/)
    expect(screen.getByTestId('timeline-accepted').textContent).toContain('好友已领取 1 张')
    // Partly spent is spending, not "used": the card still has money (¥100.00 → ¥88.00).
    expect(screen.getByTestId('timeline-used').textContent).toBe('已消费共消费 ¥12.00')
    unmount()
    setRouterParams({ order_id: 'ord-r' })
    render(<OrderPage />)
    await screen.findByTestId('order-timeline')
    expect([...screen.getByTestId('order-timeline').querySelectorAll('[data-testid^=timeline-]')].map((e) => e.getAttribute('data-testid'))).toEqual(['timeline-paid', 'timeline-refunded'])
  })

  test('the timeline says which cards are used up or consumed, and how much was spent', async () => {
    setRouterParams({ order_id: 'ord-u' })
    const o = order('ord-u')
    const mine = o.cards[0]!
    serve({ 'GET /api/orders/ord-u': order('ord-u', { cards: [{ ...mine, balance: 0 }, { ...mine, code: '2', balance: 10000, status: 'CONSUMED' }, { ...mine, code: '3', balance: 10000 }] }) })
    render(<OrderPage />)
    expect((await screen.findByTestId('timeline-used')).textContent).toBe('已消费共消费 ¥100.00 · 1 张已用完 · 1 张已核销')
  })

  test('the order number copies; the merchant is a tap away (makePhoneCall with the shelf phone)', async () => {
    setRouterParams({ order_id: 'ord-c' })
    serve({ 'GET /api/orders/ord-c': order('ord-c', { service_phone: '020-88888888' }) })
    render(<OrderPage />)
    fireEvent.click(await screen.findByTestId('copy-order-id'))
    expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: 'ord-c' })
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith({ title: '订单号已复制', icon: 'none' }))
    fireEvent.click(screen.getByTestId('call-merchant'))
    expect(Taro.makePhoneCall).toHaveBeenCalledWith({ phoneNumber: '020-88888888' })
    // With a phone, the vague "ask the merchant" cell is not needed.
    expect(screen.queryByTestId('refund-entry')).toBeNull()
  })

  test('without order_id it is empty; an unknown order is the error state', async () => {
    const { unmount } = render(<OrderPage />)
    expect(await screen.findByTestId('state-empty')).toBeTruthy()
    unmount()
    setRouterParams({ order_id: 'nope' })
    serve({})
    render(<OrderPage />)
    const err = await screen.findByTestId('state-error')
    // Not found: no 重试 (it cannot help), the way to my orders instead.
    expect(err.textContent).toContain('没有找到这个订单')
    expect(screen.queryByTestId('retry')).toBeNull()
    fireEvent.click(screen.getByTestId('go-orders'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/orders/index' })
  })
})
