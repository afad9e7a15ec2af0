import Taro from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { formatFen } from '@giftcard/shared/money'

import { Cell, CellGroup } from '../../components/cells'
import { Pic } from '../../components/pic'
import { Empty, Failure, Loading } from '../../components/states'
import { routerParam, go, routes } from '../../services/router'
import { groupThemes, itemPrice, loadShelf, shelfBuyLink, type Theme } from '../../services/shelf'
import { useResource } from '../../services/use-resource'

/** The gift-card shelf (002 §7): the bound shelf, or `?page_id=` when launched with one. */
export default function ShelfPage() {
  const [res, reload] = useResource(() => loadShelf(routerParam('page_id')))
  if (res.state === 'loading') return <Loading />
  if (res.state === 'error') return <Failure error={res.error} onRetry={reload} />
  const shelf = res.data
  if (!shelf || shelf.page.theme_list.length === 0) return <Empty text='暂无上架的礼品卡' />
  const { page, page_id: pageId } = shelf
  const link = shelfBuyLink(pageId)
  return (
    <View className='page'>
      {page.banner_pic_url && <Pic className='banner' src={page.banner_pic_url} testId='banner' />}
      {page.page_title && (
        <View className='note shelf-title'>
          <Text className='theme__title'>{page.page_title}</Text>
        </View>
      )}
      {groupThemes(page).map((group, gi) => (
        <CellGroup key={gi} title={group.title || undefined}>
          {group.themes.map((theme, ti) => (
            <ThemeView key={ti} theme={theme} prices={shelf.prices} />
          ))}
        </CellGroup>
      ))}
      <BuyAction link={link} />
      <CellGroup title='商家信息'>
        {page.biz_description && <Cell label='商家介绍' value={page.biz_description} testId='biz-description' />}
        {page.address && <Cell label='地址' value={page.address} testId='address' />}
        {page.service_phone && (
          <Cell label='客服电话' value={<Text className='accent'>{page.service_phone}</Text>} testId='service-phone' onClick={() => void Taro.makePhoneCall({ phoneNumber: page.service_phone! })} />
        )}
      </CellGroup>
      <CellGroup title='服务'>
        <Cell label='我的订单' onClick={() => go(routes.orders)} testId='cell-orders' />
        <Cell label='我的礼品卡' onClick={() => go(routes.cards)} testId='cell-cards' />
      </CellGroup>
    </View>
  )
}

function ThemeView({ theme, prices }: { theme: Theme; prices: Record<string, number> | undefined }) {
  return (
    <View className='theme' data-testid='theme'>
      <Text className='theme__title' style={{ color: theme.title_color }}>
        {theme.title}
      </Text>
      <Pic className='theme__pic' src={theme.theme_pic_url} />
      {theme.item_list.map((item) => (
        <View key={item.card_id} className='cell' data-testid='shelf-item'>
          <View className='cell__label'>
            <Text>{item.title ?? '礼品卡'}</Text>
            {item.desc && <Text className='card-summary__meta'> {item.desc}</Text>}
          </View>
          <Price fen={itemPrice(item, prices)} />
        </View>
      ))}
      {theme.pic_item_list.length > 0 && (
        <View className='faces'>
          {theme.pic_item_list.map((face, i) => (
            <View key={i} className='face' data-testid='card-face'>
              <Pic className='face__pic' src={face.background_pic_url} />
              <Text className='face__msg'>{face.default_gifting_msg}</Text>
            </View>
          ))}
        </View>
      )}
    </View>
  )
}

/**
 * The buy action opens the shelf link in WeChat. In H5 it is a plain link; a Mini Program cannot
 * open an mp.weixin.qq.com page itself, so it copies the link for the user to open in a chat.
 */
function BuyAction({ link }: { link: string }) {
  if (process.env.TARO_ENV === 'h5') {
    return (
      <a className='btn btn--block' href={link} data-testid='buy'>
        购买礼品卡
      </a>
    )
  }
  return (
    <Button
      className='btn btn--block'
      data-testid='buy'
      onClick={() => void Taro.setClipboardData({ data: link }).then(() => Taro.showToast({ title: '购买链接已复制，请在微信中打开', icon: 'none' }))}
    >
      购买礼品卡
    </Button>
  )
}

function Price({ fen }: { fen: number | undefined }) {
  return fen === undefined ? null : (
    <Text className='accent' data-testid='item-price'>
      {formatFen(fen)}
    </Text>
  )
}
