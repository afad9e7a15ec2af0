import { fireEvent, render, screen, within } from '@testing-library/react'

import Taro, { resetTaro, setEnterOptions, setRouterParams, storage, triggerDidShow } from '../doubles/taro'
import { card, historyEntry, serve } from '../helpers'
import App from '../../src/app'
import CardPage from '../../src/pages/card/index'
import { TOKEN_KEY } from '../../src/services/session'

beforeEach(() => {
  resetTaro()
  storage().set(TOKEN_KEY, 'tok')
})

const HISTORY = 'GET /api/cards/110201201245/history'
const jumpTo = (over: Partial<Record<string, unknown>> = {}, history: unknown = { history: [] }) => {
  setRouterParams({ encrypt_code: 'enc', card_id: 'pCard1' })
  return serve({ 'POST /api/cards/open': card(over), [HISTORY]: history })
}
const text = (id: string) => screen.getByTestId(id).textContent
const CJK_ONLY = /^[^A-Za-z]*$/

describe('Card page: a usable card', () => {
  test('title, balance and face value labelled, validity, notice and instructions', async () => {
    jumpTo({ begin_time: new Date(2025, 0, 1).getTime() / 1000, end_time: new Date(2026, 11, 31).getTime() / 1000 })
    render(<CardPage />)
    expect(screen.getByTestId('state-loading')).toBeTruthy()
    expect((await screen.findByTestId('card-balance')).textContent).toBe('¥100.00')
    expect(text('card-title')).toBe('心意礼品卡')
    expect(text('card-balance-label')).toBe('余额')
    expect(text('card-face-value')).toBe('面值 ¥100.00')
    expect(screen.getByTestId('card-balance').className).toContain('spendable')
    expect(text('card-status')).toBe('可使用')
    expect(text('card-validity')).toContain('2025年1月1日 至 2026年12月31日')
    expect(text('card-notice')).toContain('结账时出示卡券')
    expect(text('card-description')).toContain('不找零、不兑换现金')
    expect(document.body.textContent).not.toMatch(/undefined|NaN|null|ord-1/)
  })

  test('到店使用: a QR code and a Code 128 barcode of the code, its digits in groups of 4', async () => {
    jumpTo()
    render(<CardPage />)
    const till = await screen.findByTestId('till-codes')
    expect(till.textContent).toContain('到店使用')
    const qr = within(till).getByTestId('qr-code')
    // 21 modules + 2 × 4 quiet-zone modules, one row each.
    expect(qr.querySelectorAll('.qr__row')).toHaveLength(29)
    const bars = within(till).getByTestId('barcode').querySelectorAll('.bar')
    expect([...bars].map((b) => b.className)).toEqual(expect.arrayContaining(['bar bar--dark', 'bar']))
    expect(text('barcode-digits')).toBe('1102 0120 1245')
  })

  test('showing the page again re-reads the card by its code (one WeChat read, not the jump again): the balance and the codes follow', async () => {
    setRouterParams({ encrypt_code: 'enc', card_id: 'pCard1' })
    let current = card()
    let codeChanged = false
    const seen = serve({
      'POST /api/cards/open': () => ({ status: 200, data: current }),
      'GET /api/cards/110201201245': () => (codeChanged ? { status: 404, data: { error: { code: 'not_found', message: 'no such card' } } } : { status: 200, data: current }),
      [HISTORY]: { history: [] },
      'GET /api/cards/220000000001/history': { history: [] },
    })
    render(<CardPage />)
    expect((await screen.findByTestId('card-balance')).textContent).toBe('¥100.00')
    current = card({ balance: 6550 })
    await triggerDidShow()
    await screen.findByText('¥65.50')
    expect(seen.filter((o) => o.url === '/api/cards/open')).toHaveLength(1)
    expect(seen.filter((o) => o.url === '/api/cards/110201201245')).toHaveLength(1)
    // The merchant changed the code meanwhile: the old one is gone, so the jump is opened again.
    codeChanged = true
    current = card({ balance: 6550, code: '220000000001' })
    await triggerDidShow()
    await screen.findByText('2200 0000 0001')
    expect(seen.filter((o) => o.url === '/api/cards/open')).toHaveLength(2)
    expect(seen.filter((o) => o.url.endsWith('/history')).map((o) => o.url)).toEqual([
      '/api/cards/110201201245/history',
      '/api/cards/110201201245/history',
      '/api/cards/220000000001/history',
    ])
  })
})

describe('Card page: cards that are not money to spend', () => {
  const cases: [string, Partial<Record<string, unknown>>, string, RegExp][] = [
    ['used up', { balance: 0 }, '已用完', /¥0\.00/],
    ['consumed by the merchant', { status: 'CONSUMED', can_consume: false, balance: 3000 }, '已核销', /¥30\.00/],
    ['refunded', { status: 'REMOVED', balance: null, can_consume: false }, '已退款', /^—$/],
    ['expired', { status: 'EXPIRE', can_consume: false }, '已过期', /¥100\.00/],
    ['being given away', { status: 'GIFTING', can_consume: false }, '转赠中', /¥100\.00/],
  ]
  test.each(cases)('%s: no till codes, no green balance, the state said, a way forward', async (_, over, label, balance) => {
    jumpTo(over)
    render(<CardPage />)
    const el = await screen.findByTestId('card-balance')
    expect(el.textContent).toMatch(balance)
    expect(el.className).not.toContain('spendable')
    expect(text('card-status')).toBe(label)
    expect(text('card-state-hint')).toMatch(/[\u4e00-\u9fa5]/)
    expect(text('card-notice')).toContain('结账时出示卡券')
    expect(screen.queryByTestId('till-codes')).toBeNull()
    // Nothing to give: only a gift under way is worth opening the card bag for.
    expect(screen.queryByTestId('open-card') !== null).toBe(label === '转赠中')
    expect(document.body.textContent).not.toMatch(/undefined|NaN|REMOVED|CONSUMED|GIFTING|EXPIRE/)
    fireEvent.click(screen.getByTestId('card-order'))
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/order/index?order_id=ord-1' })
    fireEvent.click(screen.getByTestId('card-list'))
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/cards/index' })
  })

  test('a refunded card cannot be opened in the card bag (WeChat took it back)', async () => {
    jumpTo({ status: 'REMOVED', balance: null, can_consume: false })
    render(<CardPage />)
    await screen.findByTestId('card-balance')
    expect(screen.queryByTestId('open-card')).toBeNull()
  })
})

describe('Card page: spending history', () => {
  test('debits, reversals and a reversed debit, newest first, with the balance after and the time', async () => {
    const at = new Date(2026, 11, 1, 14, 5).getTime() / 1000
    jumpTo({ balance: 8800 }, {
      history: [
        historyEntry({ id: 'v1', kind: 'reversal', amount: 1200, balance_after: 8800, created_at: at + 60 }),
        historyEntry({ id: 'r2', amount: 1200, balance_after: 7600, created_at: at, reversed_at: at + 60, note: '小票 0042' }),
        historyEntry({ id: 'r1', amount: 200, balance_after: 8800, created_at: at - 3600 }),
      ],
    })
    render(<CardPage />)
    const lines = await screen.findAllByTestId('history-entry')
    expect(lines).toHaveLength(3)
    expect(lines[0]!.textContent).toContain('退回')
    expect(lines[0]!.textContent).toContain('+¥12.00')
    expect(lines[0]!.textContent).toContain('余额 ¥88.00')
    expect(lines[0]!.textContent).toContain('2026年12月1日 14:06')
    expect(lines[1]!.textContent).toContain('消费')
    expect(lines[1]!.textContent).toContain('-¥12.00')
    expect(lines[1]!.textContent).toContain('已撤销')
    expect(lines[1]!.textContent).toContain('小票 0042')
    expect(lines[1]!.textContent).toContain('2026年12月1日 14:05')
    expect(lines[2]!.textContent).toContain('-¥2.00')
    expect(lines[2]!.textContent).not.toContain('已撤销')
  })

  test('empty: 暂无消费记录; a failure says so in Chinese and retries', async () => {
    jumpTo()
    const { unmount } = render(<CardPage />)
    expect((await screen.findByTestId('history-empty')).textContent).toBe('暂无消费记录')
    unmount()
    let fail = true
    setRouterParams({ encrypt_code: 'enc', card_id: 'pCard1' })
    serve({
      'POST /api/cards/open': card(),
      [HISTORY]: () => (fail ? { status: 503, data: { error: { code: 'wechat_busy', message: 'WeChat is busy' } } } : { status: 200, data: { history: [historyEntry()] } }),
    })
    render(<CardPage />)
    const err = await screen.findByTestId('history-error')
    expect(err.textContent).toMatch(CJK_ONLY)
    // The card itself still shows.
    expect(text('card-balance')).toBe('¥100.00')
    fail = false
    fireEvent.click(within(err).getByTestId('retry'))
    expect(await screen.findAllByTestId('history-entry')).toHaveLength(1)
  })
})

describe('Card page: giving and opening', () => {
  test('weapp: opens the card in WeChat\'s card bag, where gifting lives', async () => {
    jumpTo()
    render(<CardPage />)
    fireEvent.click(await screen.findByTestId('open-card'))
    expect(Taro.openCard).toHaveBeenCalledWith({ cardList: [{ cardId: 'pCard1', code: '110201201245' }] })
    expect(document.body.textContent).toContain('赠送')
  })

  test('H5: no card bag in a browser; it explains where to give the card', async () => {
    process.env.TARO_ENV = 'h5'
    try {
      jumpTo()
      render(<CardPage />)
      expect((await screen.findByTestId('open-card-hint')).textContent).toContain('请在微信中打开')
      expect(screen.queryByTestId('open-card')).toBeNull()
    } finally {
      process.env.TARO_ENV = 'weapp'
    }
  })
})

describe('Card page: opened from 我的礼品卡 by its code', () => {
  test('reads the user\'s own card by code, with its till codes and history; no jump needed', async () => {
    setRouterParams({ code: '110201201245' })
    const seen = serve({ 'GET /api/cards/110201201245': card({ balance: 4300 }), [HISTORY]: { history: [historyEntry()] } })
    render(<CardPage />)
    expect((await screen.findByTestId('card-balance')).textContent).toBe('¥43.00')
    expect(await screen.findByTestId('till-codes')).toBeTruthy()
    expect(seen.map((o) => `${o.method} ${o.url}`)).toContain('GET /api/cards/110201201245')
    expect(seen.some((o) => o.url === '/api/cards/open')).toBe(false)
  })

  test('the page\'s own code wins over an earlier jump the Mini Program was entered with', async () => {
    setEnterOptions({ path: 'pages/card/index', query: { encrypt_code: 'encA', card_id: 'pCardA' }, scene: 1028 })
    setRouterParams({ code: '110201201245' })
    const seen = serve({ 'GET /api/cards/110201201245': card(), [HISTORY]: { history: [] } })
    render(<CardPage />)
    expect(await screen.findByTestId('card-balance')).toBeTruthy()
    expect(seen.some((o) => o.url === '/api/cards/open')).toBe(false)
  })
})

describe('Card page: without a card', () => {
  test('without a jump: empty, with a way to my cards; nothing requested', async () => {
    const seen = serve({})
    render(<CardPage />)
    expect(await screen.findByTestId('state-empty')).toBeTruthy()
    expect(seen).toHaveLength(0)
    fireEvent.click(screen.getByTestId('card-list'))
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/cards/index' })
  })

  test('a card WeChat no longer gives this user (refunded, given away: 404) says so, with a way to my cards', async () => {
    setRouterParams({ encrypt_code: 'enc', card_id: 'pCard1' })
    serve({ 'POST /api/cards/open': () => ({ status: 404, data: { error: { code: 'not_found', message: 'no such card' } } }) })
    render(<CardPage />)
    const state = await screen.findByTestId('card-gone')
    expect(state.textContent).toContain('已退款')
    expect(state.textContent).toMatch(CJK_ONLY)
    fireEvent.click(screen.getByTestId('card-list'))
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/cards/index' })
  })

  test('a card the user gave to a friend (410 given_away) says so, not "not found", with the ways to the cards and orders', async () => {
    setRouterParams({ encrypt_code: 'enc', card_id: 'pCard1' })
    serve({ 'POST /api/cards/open': () => ({ status: 410, data: { error: { code: 'given_away', message: 'the card was given to a friend' } } }) })
    render(<CardPage />)
    const state = await screen.findByTestId('card-given-away')
    expect(state.textContent).toContain('这张礼品卡已赠送给朋友')
    expect(state.textContent).not.toContain('没有找到')
    expect(state.textContent).toMatch(CJK_ONLY)
    expect(screen.queryByTestId('retry')).toBeNull()
    fireEvent.click(screen.getByTestId('go-orders'))
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/orders/index' })
  })

  test('WeChat busy on opening is 系统繁忙 with 重试 (not "no such card"), and the retry opens the card', async () => {
    let busy = true
    setRouterParams({ encrypt_code: 'enc', card_id: 'pCard1' })
    serve({
      'POST /api/cards/open': () => (busy ? { status: 503, data: { error: { code: 'wechat_busy', message: 'WeChat is busy' } } } : { status: 200, data: card() }),
      [HISTORY]: { history: [] },
    })
    render(<CardPage />)
    const err = await screen.findByTestId('state-error')
    expect(err.textContent).toContain('系统繁忙')
    expect(err.textContent).not.toContain('没有找到')
    busy = false
    fireEvent.click(screen.getByTestId('retry'))
    expect((await screen.findByTestId('card-balance')).textContent).toBe('¥100.00')
  })

  test('a failed open is the error state, in Chinese, with a retry', async () => {
    setRouterParams({ encrypt_code: 'enc', card_id: 'pCard1' })
    serve({ 'POST /api/cards/open': () => ({ status: 403, data: { error: { code: 'forbidden', message: 'the code is not held by this user' } } }) })
    render(<CardPage />)
    const err = await screen.findByTestId('state-error')
    expect(err.textContent).toMatch(CJK_ONLY)
    expect(within(err).getByTestId('retry')).toBeTruthy()
  })
})

describe('Card-button jumps (002 §14.1), read on every show', () => {
  const jumpA = { encrypt_code: 'encA%2B', card_id: 'pCardA', openid: 'o_service' }
  const jumpB = { encrypt_code: 'encB', card_id: 'pCardB', openid: 'o_service' }
  const routes = () =>
    serve({
      'POST /api/cards/open': (o) => {
        const b = o.data as { encrypt_code: string }
        return { status: 200, data: b.encrypt_code === 'encB' ? card({ code: '220000000002', title: '生日礼品卡', balance: 5000 }) : card({ code: '110000000001' }) }
      },
      'GET /api/cards/110000000001/history': { history: [] },
      'GET /api/cards/220000000002/history': { history: [] },
    })

  test('cold entry: the enter options open the card, also when the page has no query of its own', async () => {
    setEnterOptions({ path: 'pages/card/index', query: jumpA, scene: 1028 })
    const seen = routes()
    render(
      <App>
        <CardPage />
      </App>,
    )
    expect((await screen.findByTestId('card-title')).textContent).toBe('心意礼品卡')
    expect(seen.find((o) => o.url === '/api/cards/open')!.data).toEqual({ encrypt_code: 'encA+', card_id: 'pCardA', openid: 'o_service' })
  })

  test('while a new jump\'s card loads, the previous card\'s codes are not shown', async () => {
    setRouterParams(jumpA)
    let release: () => void = () => undefined
    const gate = new Promise<void>((r) => (release = r))
    serve({
      'POST /api/cards/open': async (o: { data?: unknown }) => {
        if ((o.data as { card_id: string }).card_id === 'pCardB') await gate
        return { status: 200, data: card({ code: (o.data as { card_id: string }).card_id === 'pCardB' ? '220000000002' : '110000000001' }) }
      },
      'GET /api/cards/110000000001/history': { history: [] },
      'GET /api/cards/220000000002/history': { history: [] },
    } as never)
    render(
      <App>
        <CardPage />
      </App>,
    )
    expect((await screen.findByTestId('barcode-digits')).textContent).toBe('1100 0000 0001')
    await triggerDidShow({ path: 'pages/card/index', query: jumpB, scene: 1028 })
    expect(screen.queryByTestId('barcode-digits')).toBeNull()
    expect(screen.getByTestId('state-loading')).toBeTruthy()
    release()
    expect((await screen.findByTestId('barcode-digits')).textContent).toBe('2200 0000 0002')
  })

  test('warm re-entry with another jump opens the new card, not the previous one; a plain show keeps it', async () => {
    setRouterParams(jumpA)
    setEnterOptions({ path: 'pages/card/index', query: jumpA, scene: 1028 })
    const seen = routes()
    render(
      <App>
        <CardPage />
      </App>,
    )
    expect((await screen.findByTestId('card-title')).textContent).toBe('心意礼品卡')
    // Back to WeChat, then a second card's button: WeChat shows the Mini Program again with the new query.
    await triggerDidShow({ path: 'pages/card/index', query: jumpB, scene: 1028 })
    await screen.findByText('生日礼品卡')
    expect(text('card-balance')).toBe('¥50.00')
    expect(text('barcode-digits')).toBe('2200 0000 0002')
    const opens = seen.filter((o) => o.url === '/api/cards/open').map((o) => (o.data as { card_id: string }).card_id)
    expect(opens.at(-1)).toBe('pCardB')
    // Returning from another page (no new entry): still the second card.
    await triggerDidShow({ path: 'pages/card/index', query: {} })
    await screen.findByText('生日礼品卡')
    expect(seen.filter((o) => o.url === '/api/cards/open').map((o) => (o.data as { card_id: string }).card_id).at(-1)).toBe('pCardB')
  })
})
