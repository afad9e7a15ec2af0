import { Button, Text, View } from '@tarojs/components'
import { formatFen } from '@giftcard/shared/money'

import { Cell, CellGroup } from '../../components/cells'
import { Empty, FIRST_OPEN_HINT, Failure, Loading, failureText } from '../../components/states'
import { formatDateTime } from '../../services/format'
import { orderCardsText, orderTitle, roleText, useOrderPages } from '../../services/orders'
import { go, routes } from '../../services/router'

/** My orders, paged. */
export default function OrdersPage() {
  const pages = useOrderPages()
  const { orders, state } = pages
  if (orders.length === 0) {
    if (state === 'loading') return <Loading shape='list' />
    if (state === 'error') return <Failure error={pages.error!} onRetry={pages.reload} way={{ label: '去选购礼品卡', url: routes.shelf }} />
    return <Empty text='还没有订单' hint={FIRST_OPEN_HINT} action='去选购礼品卡' onAction={() => go(routes.shelf)} actionTestId='go-shelf' way={{ label: '查看我的礼品卡', url: routes.cards }} />
  }
  return (
    <View className='page'>
      <CellGroup title={`共 ${pages.total} 个订单`}>
        {orders.map((o) => (
            <Cell
              key={o.order_id}
              testId='order-item'
              data={{ 'data-order-id': o.order_id }}
              onClick={() => go(routes.order(o.order_id))}
              label={
                <View>
                  <View className='card-row__head'>
                    <Text className='card-row__title'>{orderTitle(o)}</Text>
                    {o.state === 'refunded' ? <Text className='tag'>已退款</Text> : o.role === 'receiver' && <Text className='tag tag--ok'>好友赠送</Text>}
                  </View>
                  <View className='card-summary__meta'>
                    {o.role === 'buyer' ? `${roleText(o)} · ` : ''}
                    {orderCardsText(o)}
                  </View>
                  <View className='card-summary__meta' data-testid='order-time'>
                    {formatDateTime(o.create_time)}
                  </View>
                </View>
              }
              value={o.total_price === null ? undefined : <Text className={o.state === 'refunded' ? '' : 'accent'}>{formatFen(o.total_price)}</Text>}
            />
        ))}
      </CellGroup>
      {state === 'error' && <Text className='field__error note'>{failureText(pages.error!)}</Text>}
      {orders.length < pages.total && (
        <Button className='btn btn--plain btn--block' data-testid='load-more' loading={state === 'loading'} onClick={pages.more}>
          加载更多
        </Button>
      )}
    </View>
  )
}
