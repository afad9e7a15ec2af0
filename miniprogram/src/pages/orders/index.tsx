import { Button, Text, View } from '@tarojs/components'
import { formatFen } from '@giftcard/shared/money'

import { Cell, CellGroup } from '../../components/cells'
import { Empty, Failure, Loading, failureText } from '../../components/states'
import { formatDate } from '../../services/format'
import { orderCardsText, orderStateText, orderTitle, roleText, useOrderPages } from '../../services/orders'
import { go, routes } from '../../services/router'

/** My orders, paged. */
export default function OrdersPage() {
  const pages = useOrderPages()
  const { orders, state } = pages
  if (orders.length === 0) {
    if (state === 'loading') return <Loading />
    if (state === 'error') return <Failure error={pages.error!} onRetry={pages.reload} />
    return <Empty text='暂无订单' action='去选购礼品卡' onAction={() => go(routes.shelf)} />
  }
  return (
    <View className='page'>
      <CellGroup title={`共 ${pages.total} 个订单`}>
        {orders.map((o) => (
          <Cell
            key={o.order_id}
            testId='order-item'
            onClick={() => go(routes.order(o.order_id))}
            label={
              <View>
                <View className='card-row__head'>
                  <Text className='card-row__title'>{orderTitle(o)}</Text>
                  {o.state === 'refunded' && <Text className='tag'>{orderStateText(o)}</Text>}
                </View>
                <View className='card-summary__meta'>
                  {roleText(o)} · {formatDate(o.create_time)} · {orderCardsText(o)}
                </View>
                <View className='card-summary__meta'>订单号 {o.order_id}</View>
              </View>
            }
            value={formatFen(o.total_price)}
          />
        ))}
      </CellGroup>
      {state === 'error' && <Text className='field__error'>加载失败：{failureText(pages.error!)}</Text>}
      {orders.length < pages.total && (
        <Button className='btn btn--plain btn--block' data-testid='load-more' loading={state === 'loading'} onClick={pages.more}>
          加载更多
        </Button>
      )}
    </View>
  )
}
