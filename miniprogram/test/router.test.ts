import Taro, { resetTaro, setPages } from './doubles/taro'
import { go, routes } from '../src/services/router'

beforeEach(() => resetTaro())

const page = (route: string, options: Record<string, string> = {}) => ({ route, options })

test('a new page is opened on top', () => {
  setPages([page('pages/cards/index')])
  go(routes.card('1102'))
  expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/card/index?code=1102' })
  expect(Taro.navigateBack).not.toHaveBeenCalled()
})

test('going to the page just below goes back to it, so card → 查看订单 → order → card does not grow the stack', () => {
  setPages([page('pages/orders/index'), page('pages/order/index', { order_id: 'ord 1' }), page('pages/card/index', { code: '1102' })])
  go(routes.order('ord 1'))
  expect(Taro.navigateBack).toHaveBeenCalledTimes(1)
  expect(Taro.navigateTo).not.toHaveBeenCalled()
  // Taro may leave the query percent-encoded.
  setPages([page('pages/order/index', { order_id: 'ord%201' }), page('pages/card/index', { code: '1102' })])
  go(routes.order('ord 1'))
  expect(Taro.navigateBack).toHaveBeenCalledTimes(2)
  // Another order is a new page.
  go(routes.order('ord-2'))
  expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/order/index?order_id=ord-2' })
})

test('near WeChat’s ten-page limit the current page is replaced instead', () => {
  setPages(Array.from({ length: 9 }, (_, i) => page(i % 2 ? 'pages/card/index' : 'pages/order/index', { n: String(i) })))
  go(routes.cards)
  expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/cards/index' })
  expect(Taro.navigateTo).not.toHaveBeenCalled()
  setPages(Array.from({ length: 8 }, () => page('pages/card/index')))
  go(routes.cards)
  expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/cards/index' })
})
