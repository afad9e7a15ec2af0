import { fireEvent, render, screen } from '@testing-library/react'

import Taro, { resetTaro, setRouterParams, storage } from '../doubles/taro'
import { serve } from '../helpers'
import ShelfPage from '../../src/pages/shelf/index'
import { TOKEN_KEY } from '../../src/services/session'

const page = {
  page_title: '星巴克礼品卡',
  banner_pic_url: 'https://img/banner.png',
  theme_list: [
    { theme_pic_url: 'https://img/t1.png', title: '生日', title_color: '#ff0000', category_index: 0, item_list: [{ card_id: 'pCard1', title: '生日卡 100 元' }], pic_item_list: [{ background_pic_url: 'https://img/f1.png', default_gifting_msg: '生日快乐' }] },
    { theme_pic_url: 'https://img/t2.png', title: '感谢', title_color: '#000', category_index: 1, item_list: [{ card_id: 'pCard2', title: '感谢卡' }], pic_item_list: [{ background_pic_url: 'https://img/f2.png', default_gifting_msg: '谢谢你' }] },
  ],
  category_list: [{ title: '节日' }, { title: '心意' }],
  address: '广州市海珠区',
  service_phone: '020-12345678',
  biz_description: '全国门店通用',
  cell_1: { title: '使用说明', url: 'https://m/1' },
  cell_2: { title: '退款', url: 'https://m/2' },
}

beforeEach(() => {
  resetTaro()
  storage().set(TOKEN_KEY, 'tok')
})
afterEach(() => {
  process.env.TARO_ENV = 'weapp'
})

test('shows loading, then the bound shelf with categories, items, faces, merchant info and the buy link (H5)', async () => {
  process.env.TARO_ENV = 'h5'
  const seen = serve({ 'GET /api/shelf': { wxa_appid: 'wxa', page_id: 'abc=+d' }, 'GET /api/shelves/abc%3D%2Bd': { page_id: 'abc=+d', page, prices: { pCard1: 10000 } } })
  render(<ShelfPage />)
  expect(screen.getByTestId('state-loading')).toBeTruthy()
  const buy = await screen.findByTestId('buy')
  expect(buy.getAttribute('href')).toBe('https://mp.weixin.qq.com/bizmall/giftcard?action=homepage&page_id=abc%3d%2bd&outer_str=miniprogram#wechat_redirect')
  expect(seen.map((o) => o.url)).toEqual(['/api/shelf', '/api/shelves/abc%3D%2Bd'])
  expect(screen.getByText('节日')).toBeTruthy()
  expect(screen.getByText('心意')).toBeTruthy()
  expect(screen.getAllByTestId('shelf-item')).toHaveLength(2)
  expect(screen.getByTestId('item-price').textContent).toBe('¥100.00')
  expect(screen.getAllByTestId('card-face').map((f) => f.textContent)).toEqual(['生日快乐', '谢谢你'])
  expect(screen.getByTestId('address').textContent).toContain('广州市海珠区')
  expect(screen.getByTestId('service-phone').textContent).toContain('020-12345678')
  expect(screen.getByTestId('biz-description').textContent).toContain('全国门店通用')
  // cell_1 and cell_2 are an order's after-sales links: they show on the order page, with the order.
  expect(screen.queryByText('退款')).toBeNull()
  expect(screen.queryByTestId('state-loading')).toBeNull()
})

test('page_id from the launch query wins over the bound shelf; weapp copies the link', async () => {
  setRouterParams({ page_id: 'p%2B1' })
  const seen = serve({ 'GET /api/shelves/p%2B1': { page_id: 'p+1', page, prices: {} } })
  render(<ShelfPage />)
  const buy = await screen.findByTestId('buy')
  expect(seen.map((o) => o.url)).toEqual(['/api/shelves/p%2B1'])
  fireEvent.click(buy)
  expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: 'https://mp.weixin.qq.com/bizmall/giftcard?action=homepage&page_id=p%2b1&outer_str=miniprogram#wechat_redirect' })
})

test('no bound shelf (404) is the empty state', async () => {
  serve({ 'GET /api/shelf': () => ({ status: 404, data: { error: { code: 'not_found', message: 'none' } } }) })
  render(<ShelfPage />)
  expect(await screen.findByTestId('state-empty')).toBeTruthy()
})

test('a failing BFF is the error state, and retry loads again', async () => {
  let fail = true
  serve({
    'GET /api/shelf': () => (fail ? { status: 500, data: { error: { code: 'internal', message: '服务异常' } } } : { status: 200, data: { wxa_appid: 'w', page_id: 'p1' } }),
    'GET /api/shelves/p1': { page_id: 'p1', page, prices: {} },
  })
  render(<ShelfPage />)
  expect((await screen.findByTestId('state-error')).textContent).toContain('服务异常')
  fail = false
  fireEvent.click(screen.getByTestId('retry'))
  expect(await screen.findByTestId('buy')).toBeTruthy()
})
