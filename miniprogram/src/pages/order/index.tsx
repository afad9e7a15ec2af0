import { Text, View } from '@tarojs/components'
import type { OrderCard } from '@giftcard/shared/api'

import { Cell, CellGroup } from '../../components/cells'
import { Empty, Failure, Loading } from '../../components/states'
import { WebLinkCell } from '../../components/web-link-cell'
import { api } from '../../services/api'
import { cardState, cardTitle } from '../../services/card'
import { formatDate, formatFen } from '../../services/format'
import { holderText, orderStateText, roleText } from '../../services/orders'
import { go, routerParam, routes } from '../../services/router'
import { useResource } from '../../services/use-resource'

/** A card of the order: the holder's own with its state and balance; one given away as 已赠送. */
function OrderCardCell({ card }: { card: OrderCard }) {
  const state = card.mine ? cardState(card) : null
  return (
    <Cell
      testId='order-card'
      label={
        <View>
          <View className='card-row__head'>
            <Text className='card-row__title'>{cardTitle(card)}</Text>
            <Text className={state?.spendable ? 'tag tag--ok' : 'tag'}>{state ? state.label : '已赠送'}</Text>
          </View>
          <View className='card-summary__meta'>
            面值 {formatFen(card.price)} · {holderText(card)}
            {card.default_gifting_msg ? ` · “${card.default_gifting_msg}”` : ''}
          </View>
        </View>
      }
      value={
        card.mine && card.balance !== null && state?.standing !== 'refunded' ? (
          <Text className={state?.spendable ? 'accent' : ''} data-testid='order-card-balance'>
            余额 {formatFen(card.balance)}
          </Text>
        ) : undefined
      }
    />
  )
}

/** One order: its cards and who holds them, the merchant's after-sales links (or where to ask) and the invoice entry. */
export default function OrderPage() {
  const orderId = routerParam('order_id')
  const [res, reload] = useResource(async () => (orderId ? api.order(orderId) : null))
  if (res.state === 'loading') return <Loading />
  if (res.state === 'error') return <Failure error={res.error} onRetry={reload} />
  const order = res.data
  if (!order) return <Empty text='未指定订单' action='查看我的订单' onAction={() => go(routes.orders)} />
  return (
    <View className='page'>
      <CellGroup title='订单信息'>
        <Cell label='订单号' value={<Text data-testid='order-id'>{order.order_id}</Text>} />
        <Cell label='订单状态' value={<Text data-testid='order-state'>{orderStateText(order)}</Text>} />
        <Cell label='类型' value={roleText(order)} />
        <Cell label='下单时间' value={formatDate(order.create_time)} />
        <Cell label='金额' value={<Text className={order.state === 'refunded' ? '' : 'accent'}>{formatFen(order.total_price)}</Text>} />
      </CellGroup>
      <CellGroup title={`礼品卡（${order.cards.length}）`}>
        {order.cards.length === 0 && <Empty text='该订单暂无礼品卡' />}
        {order.cards.map((c, i) => (
          <OrderCardCell key={`${c.card_id}-${i}`} card={c} />
        ))}
      </CellGroup>
      {order.after_sales.length > 0 && (
        <CellGroup title='商家售后'>
          {order.after_sales.map((link, i) => (
            <WebLinkCell key={i} label={link.title} url={link.url} testId='after-sales-link' />
          ))}
        </CellGroup>
      )}
      <CellGroup title='服务'>
        {order.after_sales.length === 0 && <Cell label='退款/售后' value='请联系商家客服' testId='refund-entry' />}
        {order.role === 'buyer' && <Cell label='申请发票' testId='invoice-entry' onClick={() => go(routes.invoice(order.order_id))} />}
      </CellGroup>
    </View>
  )
}
