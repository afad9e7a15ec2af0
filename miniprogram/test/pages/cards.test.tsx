import { fireEvent, render, screen } from '@testing-library/react'

import { resetTaro, setRouterParams, storage, triggerDidShow } from '../doubles/taro'
import { card, serve } from '../helpers'
import CardPage from '../../src/pages/card/index'
import CardsPage from '../../src/pages/cards/index'
import { TOKEN_KEY } from '../../src/services/session'

beforeEach(() => {
  resetTaro()
  storage().set(TOKEN_KEY, 'tok')
})

describe('Card (card-button jump)', () => {
  test('opens the card from the onShow params (decoded once) and shows balance, validity and status', async () => {
    setRouterParams({ encrypt_code: 'ab%2B%2F%3D', card_id: 'pCard1', openid: 'o_service', outer_str: 'miniprogram' })
    const seen = serve({ 'POST /api/cards/open': card({ end_time: 1_893_427_200, begin_time: 1_700_000_000 }) })
    render(<CardPage />)
    expect(screen.getByTestId('state-loading')).toBeTruthy()
    expect((await screen.findByTestId('card-balance')).textContent).toBe('¥100.00')
    expect(seen[0]!.data).toEqual({ encrypt_code: 'ab+/=', card_id: 'pCard1', openid: 'o_service', outer_str: 'miniprogram' })
    expect(screen.getByTestId('card-status').textContent).toBe('可使用')
    expect(screen.getByTestId('card-validity').textContent).toMatch(/2023-11-1\d 至 2029-12-31|2023-11-1\d 至 2030-01-01/)
  })

  test('showing the page again refreshes the balance', async () => {
    setRouterParams({ encrypt_code: 'enc', card_id: 'pCard1' })
    let balance = 10000
    const seen = serve({ 'POST /api/cards/open': () => ({ status: 200, data: card({ balance }) }) })
    render(<CardPage />)
    expect((await screen.findByTestId('card-balance')).textContent).toBe('¥100.00')
    balance = 6550
    await triggerDidShow()
    await screen.findByText('¥65.50')
    expect(screen.getByTestId('card-balance').textContent).toBe('¥65.50')
    expect(seen.filter((o) => o.url === '/api/cards/open')).toHaveLength(2)
  })

  test('without jump params it is empty and nothing is requested; a failed open is the error state', async () => {
    const seen = serve({})
    const { unmount } = render(<CardPage />)
    expect(await screen.findByTestId('state-empty')).toBeTruthy()
    expect(seen).toHaveLength(0)
    unmount()
    setRouterParams({ encrypt_code: 'enc', card_id: 'pCard1' })
    serve({ 'POST /api/cards/open': () => ({ status: 403, data: { error: { code: 'not_yours', message: '不是你的卡' } } }) })
    render(<CardPage />)
    expect((await screen.findByTestId('state-error')).textContent).toContain('不是你的卡')
  })
})

describe('My cards', () => {
  test('loading, then each card with its balance', async () => {
    serve({ 'GET /api/cards': { cards: [card({ price: 10000 }), card({ code: '2', balance: null, status: 'UNAVAILABLE', price: 5000 })] } })
    render(<CardsPage />)
    expect(screen.getByTestId('state-loading')).toBeTruthy()
    const items = await screen.findAllByTestId('card-item')
    expect(items).toHaveLength(2)
    expect(items[0]!.textContent).toContain('¥100.00')
    expect(items[1]!.textContent).toContain('已失效')
  })

  test('empty and error states', async () => {
    serve({ 'GET /api/cards': { cards: [] } })
    const { unmount } = render(<CardsPage />)
    expect(await screen.findByTestId('state-empty')).toBeTruthy()
    unmount()
    serve({ 'GET /api/cards': () => ({ status: 500, data: {} }) })
    render(<CardsPage />)
    expect(await screen.findByTestId('state-error')).toBeTruthy()
  })
})
