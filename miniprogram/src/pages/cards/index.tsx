import { Text, View } from '@tarojs/components'

import { Cell, CellGroup } from '../../components/cells'
import { Pic } from '../../components/pic'
import { Empty, FIRST_OPEN_HINT, Failure, Loading } from '../../components/states'
import { api } from '../../services/api'
import { GIFT_RETURNED_TEXT, cardState, cardTitle } from '../../services/card'
import { formatExpiry, formatFen } from '../../services/format'
import { go, routes } from '../../services/router'
import { useResource } from '../../services/use-resource'

/** My cards: each one's title, face value, balance and state; refunded ones too, said so. */
export default function CardsPage() {
  const [res, reload] = useResource(() => api.cards())
  if (res.state === 'loading') return <Loading shape='list' />
  if (res.state === 'error') return <Failure error={res.error} onRetry={reload} way={{ label: '去选购礼品卡', url: routes.shelf }} />
  const { cards } = res.data
  if (cards.length === 0) {
    return <Empty text='还没有礼品卡' hint={FIRST_OPEN_HINT} action='去选购礼品卡' onAction={() => go(routes.shelf)} actionTestId='go-shelf' way={{ label: '查看我的订单', url: routes.orders }} />
  }
  return (
    <View className='page'>
      <CellGroup title={`共 ${cards.length} 张`}>
        {cards.map((c) => {
          const state = cardState(c)
          const faceValue = c.face_value ?? c.price
          return (
            <Cell
              key={`${c.card_id}-${c.code}`}
              testId='card-item'
              onClick={() => go(routes.card(c.code))}
              label={
                <View className='card-row'>
                  <Pic className='card-row__thumb' src={c.background_pic_url ?? undefined} />
                  <View className='card-row__body'>
                    <View className='card-row__head'>
                      <Text className='card-row__title'>{cardTitle(c)}</Text>
                      <Text className={state.spendable ? 'tag tag--ok' : 'tag'}>{state.label}</Text>
                    </View>
                    <View className='card-summary__meta'>
                      <Text>面值 {formatFen(faceValue)}</Text>
                      {/* A refunded card has no balance to speak of: its tag says 已退款. */}
                      {c.balance !== null && state.standing !== 'refunded' && (
                        <Text className={state.spendable ? 'card-row__balance accent' : 'card-row__balance'} data-testid='card-item-balance'>
                          余额 {formatFen(c.balance)}
                        </Text>
                      )}
                    </View>
                    {c.gift_returned && (
                      <Text className='card-summary__meta' data-testid='card-item-returned'>
                        {GIFT_RETURNED_TEXT}
                      </Text>
                    )}
                    <Text className='card-summary__meta'>{formatExpiry(c.end_time)}</Text>
                  </View>
                </View>
              }
            />
          )
        })}
      </CellGroup>
    </View>
  )
}
