import { fireEvent, render, screen } from '@testing-library/react'

import Taro, { resetTaro, setRouterParams, storage, triggerDidShow } from '../doubles/taro'
import { card, serve } from '../helpers'
import CardsPage from '../../src/pages/cards/index'
import { TOKEN_KEY } from '../../src/services/session'

beforeEach(() => {
  resetTaro()
  storage().set(TOKEN_KEY, 'tok')
})

describe('My cards', () => {
  test('a gift nobody accepted within 24 hours says 好友未领取，已退回: on its way back, then usable again (002 §10.4)', async () => {
    serve({
      'GET /api/cards': {
        cards: [card({ code: '1', status: 'GIFT_TIMEOUT', can_consume: false, gift_returned: true }), card({ code: '2', gift_returned: true }), card({ code: '3' })],
      },
    })
    render(<CardsPage />)
    const items = await screen.findAllByTestId('card-item')
    expect(items[0]!.textContent).toContain('已退回')
    expect(items[0]!.querySelector('[data-testid=card-item-returned]')!.textContent).toBe('好友未领取，已退回')
    expect(items[1]!.textContent).toContain('可使用')
    expect(items[1]!.querySelector('[data-testid=card-item-returned]')!.textContent).toBe('好友未领取，已退回')
    expect(items[2]!.querySelector('[data-testid=card-item-returned]')).toBeNull()
  })

  test('loading, then each card: its title, face value and balance labelled, its state', async () => {
    serve({
      'GET /api/cards': {
        cards: [
          card({ price: 10000 }),
          card({ code: '2', balance: 0, price: 5000, face_value: 5000, title: null }),
          card({ code: '3', balance: null, status: 'REMOVED', can_consume: false, price: 5000 }),
          card({ code: '4', status: 'GIFTING', can_consume: false, price: 5000 }),
          card({ code: '5', status: 'CONSUMED', can_consume: false, balance: 2000, price: 5000 }),
        ],
      },
    })
    render(<CardsPage />)
    expect(screen.getByTestId('state-loading')).toBeTruthy()
    const items = await screen.findAllByTestId('card-item')
    expect(items).toHaveLength(5)
    const balances = items.map((i) => i.querySelector('[data-testid=card-item-balance]'))
    expect(items[0]!.textContent).toContain('心意礼品卡')
    expect(items[0]!.textContent).toContain('面值 ¥100.00')
    expect(items[0]!.textContent).toContain('可使用')
    expect(balances[0]!.textContent).toBe('余额 ¥100.00')
    expect(balances[0]!.className).toContain('accent')
    // Used up: ¥0.00, not green.
    expect(items[1]!.textContent).toContain('¥50.00 礼品卡')
    expect(items[1]!.textContent).toContain('已用完')
    expect(balances[1]!.textContent).toBe('余额 ¥0.00')
    expect(balances[1]!.className).not.toContain('accent')
    // Refunded: said so, no money.
    expect(items[2]!.textContent).toContain('已退款')
    expect(items[2]!.textContent).not.toContain('可使用')
    expect(balances[2]).toBeNull()
    expect(items[3]!.textContent).toContain('转赠中')
    // A card opens its own page (balance, till codes, history), by its code.
    fireEvent.click(items[0]!)
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/pages/card/index?code=${card().code}` })
    expect(balances[3]!.className).not.toContain('accent')
    expect(items[4]!.textContent).toContain('已核销')
    expect(document.body.textContent).not.toMatch(/undefined|NaN|null|REMOVED|GIFTING/)
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
