import { Text, View } from '@tarojs/components'
import { formatFen } from '@giftcard/shared/money'

import { Cell, CellGroup } from '../../components/cells'
import { Pic } from '../../components/pic'
import { Empty, Failure, Loading } from '../../components/states'
import { api } from '../../services/api'
import { cardStatusText, formatBalance, formatValidity } from '../../services/format'
import { go, routes } from '../../services/router'
import { useResource } from '../../services/use-resource'

/** My cards with their balances. */
export default function CardsPage() {
  const [res, reload] = useResource(() => api.cards())
  if (res.state === 'loading') return <Loading />
  if (res.state === 'error') return <Failure error={res.error} onRetry={reload} />
  const { cards } = res.data
  if (cards.length === 0) return <Empty text='暂无礼品卡' />
  return (
    <View className='page'>
      <CellGroup title={`共 ${cards.length} 张`}>
        {cards.map((c) => (
          <Cell
            key={`${c.card_id}-${c.code}`}
            testId='card-item'
            onClick={() => go(routes.order(c.order_id))}
            label={
              <View className='card-row'>
                {c.background_pic_url && <Pic className='card-row__thumb' src={c.background_pic_url} />}
                <View className='card-row__body'>
                  <Text>{formatFen(c.price)} 礼品卡 · {cardStatusText(c.status)}</Text>
                  <Text className='card-summary__meta'>{formatValidity(c.begin_time, c.end_time)}</Text>
                </View>
              </View>
            }
            value={<Text className='accent' data-testid='card-item-balance'>{formatBalance(c.balance)}</Text>}
          />
        ))}
      </CellGroup>
    </View>
  )
}
