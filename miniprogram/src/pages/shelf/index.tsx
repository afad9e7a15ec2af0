import Taro from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { formatFen } from '@giftcard/shared/money'

import { Cell, CellGroup } from '../../components/cells'
import { Pic } from '../../components/pic'
import { Empty, Failure, Loading, callMerchant } from '../../components/states'
import { routerParam, go, routes } from '../../services/router'
import { groupThemes, itemName, itemPrice, loadShelf, shelfBuyLink, type Shelf, type Theme } from '../../services/shelf'
import { useResource } from '../../services/use-resource'
import './index.css'

/**
 * Opens the shelf in WeChat, where the purchase happens. In H5 it follows the link; a Mini Program
 * cannot open an mp.weixin.qq.com page itself, so it copies the link for the user to open in a chat.
 */
function buy(link: string): void {
  if (process.env.TARO_ENV === 'h5') {
    window.location.href = link
    return
  }
  void Taro.setClipboardData({ data: link }).then(() => Taro.showToast({ title: '购买链接已复制，请在微信中打开', icon: 'none' }))
}

/** The gift-card shelf (002 §7): the bound shelf, or `?page_id=` when launched with one. */
export default function ShelfPage() {
  const [res, reload] = useResource(() => loadShelf(routerParam('page_id')))
  if (res.state === 'loading') return <Loading shape='shelf' />
  if (res.state === 'error') return <Failure error={res.error} onRetry={reload} way={{ label: '查看我的礼品卡', url: routes.cards, testId: 'cell-cards' }} />
  const shelf = res.data
  if (!shelf || shelf.page.theme_list.length === 0) {
    return <Empty text='暂无在售的礼品卡' hint='商家还没有上架礼品卡，已购买的礼品卡可在“我的礼品卡”中查看' way={{ label: '查看我的礼品卡', url: routes.cards, testId: 'cell-cards' }} />
  }
  const { page, page_id: pageId } = shelf
  if (!shelf.on_sale) return <OffSale page={page} />
  const link = shelfBuyLink(pageId)
  return (
    <View className='page shelf-page'>
      {page.banner_pic_url && (
        <View onClick={() => buy(link)}>
          <Pic className='banner' src={page.banner_pic_url} testId='banner' />
        </View>
      )}
      {page.page_title && (
        <View className='note shelf-title'>
          <Text className='theme__title'>{page.page_title}</Text>
        </View>
      )}
      {groupThemes(page).map((group, gi) => (
        <CellGroup key={gi} title={group.title || undefined}>
          {group.themes.map((theme, ti) => (
            <ThemeView key={ti} theme={theme} prices={shelf.prices} onBuy={() => buy(link)} />
          ))}
        </CellGroup>
      ))}
      <MerchantInfo page={page} />
      <CellGroup title='服务'>
        <Cell label='我的订单' onClick={() => go(routes.orders)} testId='cell-orders' />
        <Cell label='我的礼品卡' onClick={() => go(routes.cards)} testId='cell-cards' />
      </CellGroup>
      <BuyBar link={link} />
    </View>
  )
}

function MerchantInfo({ page }: { page: Shelf }) {
  if (!page.biz_description && !page.address && !page.service_phone) return null
  return (
    <CellGroup title='商家信息'>
      {page.biz_description && <Cell label='商家介绍' value={page.biz_description} testId='biz-description' />}
      {page.address && <Cell label='地址' value={page.address} testId='address' />}
      {page.service_phone && <Cell label='客服电话' value={<Text className='accent'>{page.service_phone}</Text>} testId='service-phone' onClick={() => callMerchant(page.service_phone!)} />}
    </CellGroup>
  )
}

/** The merchant took the shelf off sale (maintain/set): nothing to buy, what was bought still works. */
function OffSale({ page }: { page: Shelf }) {
  return (
    <View className='page'>
      <View className='state' data-testid='shelf-off-sale'>
        <View className='state__icon state__icon--info' />
        <Text className='state__text'>礼品卡暂停销售</Text>
        <Text className='state__hint'>商家正在调整礼品卡，请稍后再来。已购买的礼品卡不受影响，可照常使用和赠送</Text>
        <View className='state__actions'>
          <Button className='btn btn--state' data-testid='cell-cards' onClick={() => go(routes.cards)}>
            查看我的礼品卡
          </Button>
          <Button className='btn btn--plain btn--state' data-testid='cell-orders' onClick={() => go(routes.orders)}>
            查看我的订单
          </Button>
        </View>
      </View>
      <MerchantInfo page={page} />
    </View>
  )
}

function ThemeView({ theme, prices, onBuy }: { theme: Theme; prices: Record<string, number> | undefined; onBuy: () => void }) {
  return (
    <View className='theme' data-testid='theme'>
      <Text className='theme__title' style={{ color: theme.title_color }}>
        {theme.title}
      </Text>
      <View onClick={onBuy}>
        <Pic className='theme__pic' src={theme.theme_pic_url} />
      </View>
      {theme.item_list.map((item) => {
        const fen = itemPrice(item, prices)
        return (
          <View key={item.card_id} className='cell cell--link' data-testid='shelf-item' onClick={onBuy}>
            <View className='cell__label'>
              <Text>{itemName(item.title, fen)}</Text>
              {item.desc && <Text className='card-summary__meta'> {item.desc}</Text>}
            </View>
            {fen !== undefined && (
              <Text className='accent' data-testid='item-price'>
                {formatFen(fen)}
              </Text>
            )}
            <Text className='cell__arrow'>›</Text>
          </View>
        )
      })}
      {theme.pic_item_list.length > 0 && (
        <View className='faces'>
          {theme.pic_item_list.map((face, i) => (
            <View key={i} className='face' data-testid='card-face' onClick={onBuy}>
              <Pic className='face__pic' src={face.background_pic_url} />
              <Text className='face__msg'>{face.default_gifting_msg}</Text>
            </View>
          ))}
        </View>
      )}
    </View>
  )
}

/** Fixed at the bottom above the safe area, so the buy action shows without scrolling. */
function BuyBar({ link }: { link: string }) {
  return (
    <View className='buy-bar'>
      {process.env.TARO_ENV === 'h5' ? (
        <a className='btn buy-bar__btn' href={link} data-testid='buy'>
          购买礼品卡
        </a>
      ) : (
        <Button className='btn buy-bar__btn' data-testid='buy' onClick={() => buy(link)}>
          购买礼品卡
        </Button>
      )}
    </View>
  )
}
