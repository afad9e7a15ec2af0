import { useDidShow } from '@tarojs/taro'
import { View } from '@tarojs/components'

import { CardSummary } from '../../components/card-summary'
import { Cell, CellGroup } from '../../components/cells'
import { Empty, Failure, Loading } from '../../components/states'
import { openCardFromJump } from '../../services/card'
import { go, routerParams, routes } from '../../services/router'
import { useResource } from '../../services/use-resource'

/** The card-button jump target (002 §14.1): loaded on every onShow, so coming back shows the current balance. */
export default function CardPage() {
  const [res, reload] = useResource(() => openCardFromJump(routerParams()), false)
  useDidShow(() => {
    void reload()
  })
  if (res.state === 'error') return <Failure error={res.error} onRetry={reload} />
  if (res.data === undefined) return <Loading />
  const card = res.data
  if (card === null) return <Empty text='请从微信卡包中的礼品卡打开' />
  return (
    <View className='page'>
      <CardSummary card={card} balanceTestId='card-balance' />
      <CellGroup>
        <Cell label='所属订单' value={card.order_id} onClick={() => go(routes.order(card.order_id))} testId='card-order' />
        <Cell label='我的礼品卡' onClick={() => go(routes.cards)} />
      </CellGroup>
    </View>
  )
}
