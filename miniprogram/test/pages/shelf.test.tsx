import { fireEvent, render, screen } from '@testing-library/react'

import Taro, { resetTaro, setRouterParams, storage } from '../doubles/taro'
import { serve } from '../helpers'
import ShelfPage from '../../src/pages/shelf/index'
import { TOKEN_KEY } from '../../src/services/session'
import { itemName } from '../../src/services/shelf'

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

const bound = (over: Record<string, unknown> = {}) => ({ wxa_appid: 'wxa', page_id: 'abc=+d', page, prices: { pCard1: 10000 }, on_sale: true, ...over })

test('a skeleton, then the bound shelf in one call, with categories, items, faces, merchant info and the buy link (H5)', async () => {
  process.env.TARO_ENV = 'h5'
  const seen = serve({ 'GET /api/shelf': bound() })
  render(<ShelfPage />)
  expect(screen.getByTestId('state-loading').className).toContain('skeleton')
  const buy = await screen.findByTestId('buy')
  expect(buy.getAttribute('href')).toBe('https://mp.weixin.qq.com/bizmall/giftcard?action=homepage&page_id=abc%3d%2bd&outer_str=miniprogram#wechat_redirect')
  expect(seen.map((o) => o.url)).toEqual(['/api/shelf'])
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

test('the price shows once: an item titled with its own amount drops it beside the price', async () => {
  const withAmounts = { ...page, theme_list: [{ ...page.theme_list[0]!, item_list: [{ card_id: 'pCard1', title: '¥50 心意礼品卡' }, { card_id: 'pCard2', title: '¥200 尊享礼品卡' }] }] }
  serve({ 'GET /api/shelf': bound({ page: withAmounts, prices: { pCard1: 5000 } }) })
  render(<ShelfPage />)
  const items = await screen.findAllByTestId('shelf-item')
  expect(items[0]!.textContent).toBe('心意礼品卡¥50.00›')
  // No known price: the title is all there is, amount included.
  expect(items[1]!.textContent).toBe('¥200 尊享礼品卡›')
})

test('page_id from the launch query wins over the bound shelf; weapp copies the link from the buy bar, an item and a face', async () => {
  setRouterParams({ page_id: 'p%2B1' })
  const seen = serve({ 'GET /api/shelves/p%2B1': { page_id: 'p+1', page, prices: {}, on_sale: true } })
  render(<ShelfPage />)
  const buy = await screen.findByTestId('buy')
  expect(seen.map((o) => o.url)).toEqual(['/api/shelves/p%2B1'])
  const link = 'https://mp.weixin.qq.com/bizmall/giftcard?action=homepage&page_id=p%2b1&outer_str=miniprogram#wechat_redirect'
  fireEvent.click(buy)
  fireEvent.click(screen.getAllByTestId('shelf-item')[0]!)
  fireEvent.click(screen.getAllByTestId('card-face')[1]!)
  expect(Taro.setClipboardData).toHaveBeenCalledTimes(3)
  for (const [arg] of (Taro.setClipboardData as jest.Mock).mock.calls) expect(arg).toEqual({ data: link })
})

test('a shelf the merchant took off sale says so, sells nothing, and leads to the cards and orders', async () => {
  serve({ 'GET /api/shelf': bound({ on_sale: false }) })
  render(<ShelfPage />)
  const off = await screen.findByTestId('shelf-off-sale')
  expect(off.textContent).toContain('礼品卡暂停销售')
  expect(off.textContent).toContain('已购买的礼品卡不受影响')
  expect(screen.queryByTestId('buy')).toBeNull()
  expect(screen.queryByTestId('shelf-item')).toBeNull()
  fireEvent.click(screen.getByTestId('cell-cards'))
  expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/cards/index' })
  fireEvent.click(screen.getByTestId('service-phone'))
  expect(Taro.makePhoneCall).toHaveBeenCalledWith({ phoneNumber: '020-12345678' })
})

test('no bound shelf (404) is the empty state, with the way to the cards', async () => {
  serve({ 'GET /api/shelf': () => ({ status: 404, data: { error: { code: 'not_found', message: 'none' } } }) })
  render(<ShelfPage />)
  expect((await screen.findByTestId('state-empty')).textContent).toContain('暂无在售的礼品卡')
  fireEvent.click(screen.getByTestId('cell-cards'))
  expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/cards/index' })
})

test('WeChat busy is 系统繁忙 in Chinese with 重试, and retry loads again', async () => {
  let fail = true
  serve({
    'GET /api/shelf': () => (fail ? { status: 503, data: { error: { code: 'wechat_busy', message: 'WeChat is busy, retry shortly' } } } : { status: 200, data: bound() }),
  })
  render(<ShelfPage />)
  const err = await screen.findByTestId('state-error')
  expect(err.textContent).toContain('系统繁忙')
  expect(err.textContent).not.toMatch(/[A-Za-z]/)
  fail = false
  fireEvent.click(screen.getByTestId('retry'))
  expect(await screen.findByTestId('buy')).toBeTruthy()
})

test('an amount in the title is dropped only when it is the whole price: ¥500 at ¥50 and ¥1000 at ¥100 keep their titles', () => {
  expect(itemName('¥500 礼品卡', 5000)).toBe('¥500 礼品卡')
  expect(itemName('¥1000 礼品卡', 10000)).toBe('¥1000 礼品卡')
  expect(itemName('¥50.5 礼品卡', 5000)).toBe('¥50.5 礼品卡')
  expect(itemName('¥50 礼品卡', 5000)).toBe('礼品卡')
  expect(itemName('￥100.00元 礼品卡', 10000)).toBe('礼品卡')
  expect(itemName('¥ 1000 礼品卡', 100000)).toBe('礼品卡')
})
