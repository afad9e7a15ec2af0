import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { OrderCard } from '@giftcard/shared/api'

import { Cell, CellGroup } from '../../components/cells'
import { Empty, Failure, Loading, callMerchant } from '../../components/states'
import { WebLinkCell } from '../../components/web-link-cell'
import { api } from '../../services/api'
import { cardState, cardTitle } from '../../services/card'
import { formatDateTime, formatFen } from '../../services/format'
import { holderText, orderStateText, orderTimeline, orderTitle, roleText, type TimelineStep } from '../../services/orders'
import { go, routerParam, routes } from '../../services/router'
import { useResource } from '../../services/use-resource'
import './index.css'

/** A card of the order: the holder's own with its state and balance; one given away as 已赠送. */
function OrderCardCell({ card }: { card: OrderCard }) {
  const state = card.mine ? cardState(card) : null
  return (
    <Cell
      testId='order-card'
      onClick={card.mine && card.code ? () => go(routes.card(card.code)) : undefined}
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

/** What happened to the order, newest last, the last step marked current. */
function Timeline({ steps }: { steps: TimelineStep[] }) {
  return (
    <View className='timeline' data-testid='order-timeline'>
      {steps.map((s, i) => (
        <View key={s.key} className={i === steps.length - 1 ? 'timeline__step timeline__step--current' : 'timeline__step'} data-testid={`timeline-${s.key}`}>
          <View className='timeline__dot' />
          <View className='timeline__body'>
            <Text className='timeline__label'>{s.label}</Text>
            {s.time !== undefined && <Text className='timeline__time'>{formatDateTime(s.time)}</Text>}
            {s.detail && <Text className='timeline__detail'>{s.detail}</Text>}
          </View>
        </View>
      ))}
    </View>
  )
}

function copyOrderId(orderId: string): void {
  Taro.setClipboardData({ data: orderId })
    .then(() => Taro.showToast({ title: '订单号已复制', icon: 'none' }))
    .catch(() => undefined)
}

/**
 * One order: what happened to it, its cards and who holds them, the number to quote, the merchant's
 * phone and after-sales links, and the invoice entry (the buyer, when the shelf offers invoices: need_receipt). A receiver is not shown the buyer's total.
 */
export default function OrderPage() {
  const orderId = routerParam('order_id')
  const [res, reload] = useResource(async () => (orderId ? api.order(orderId) : null))
  if (res.state === 'loading') return <Loading />
  if (res.state === 'error') {
    return <Failure error={res.error} onRetry={reload} notFound={{ title: '没有找到这个订单', hint: '订单可能不属于当前微信账号' }} way={{ label: '查看我的订单', url: routes.orders, testId: 'go-orders' }} />
  }
  const order = res.data
  if (!order) return <Empty text='没有找到这个订单' way={{ label: '查看我的订单', url: routes.orders, testId: 'go-orders' }} />
  const refunded = order.state === 'refunded'
  return (
    <View className='page'>
      <View className='order-hero'>
        <Text className='order-hero__title' data-testid='order-title'>
          {orderTitle(order)}
        </Text>
        <View className='order-hero__row'>
          <Text className={refunded ? 'tag' : 'tag tag--ok'} data-testid='order-state'>
            {orderStateText(order)}
          </Text>
          {order.total_price !== null && (
            <Text className={refunded ? 'order-hero__total' : 'order-hero__total accent'} data-testid='order-total'>
              {formatFen(order.total_price)}
            </Text>
          )}
        </View>
        <Timeline steps={orderTimeline(order)} />
      </View>
      <CellGroup title={`礼品卡（${order.cards.length} 张）`}>
        {order.cards.map((c, i) => (
          <OrderCardCell key={`${c.card_id}-${i}`} card={c} />
        ))}
      </CellGroup>
      <CellGroup title='订单信息'>
        <Cell
          label='订单号'
          value={
            <View className='order-id'>
              <Text data-testid='order-id'>{order.order_id}</Text>
              <Text className='order-id__copy' data-testid='copy-order-id' onClick={() => copyOrderId(order.order_id)}>
                复制
              </Text>
            </View>
          }
        />
        <Cell label='类型' value={roleText(order)} />
        <Cell label={order.role === 'buyer' ? '下单时间' : '订单时间'} value={<Text data-testid='order-created'>{formatDateTime(order.create_time)}</Text>} />
      </CellGroup>
      {order.after_sales.length > 0 && (
        <CellGroup title='商家售后'>
          {order.after_sales.map((link, i) => (
            <WebLinkCell key={i} label={link.title} url={link.url} testId='after-sales-link' />
          ))}
        </CellGroup>
      )}
      <CellGroup title='服务'>
        {order.service_phone ? (
          <Cell label='联系商家' value={<Text className='accent'>{order.service_phone}</Text>} testId='call-merchant' onClick={() => callMerchant(order.service_phone!)} />
        ) : (
          order.after_sales.length === 0 && <Cell label='退款/售后' value='请联系商家客服' testId='refund-entry' />
        )}
        {order.role === 'buyer' && order.invoice_offered && <Cell label='申请发票' testId='invoice-entry' onClick={() => go(routes.invoice(order.order_id))} />}
        <Cell label='我的礼品卡' testId='card-list' onClick={() => go(routes.cards)} />
      </CellGroup>
    </View>
  )
}
