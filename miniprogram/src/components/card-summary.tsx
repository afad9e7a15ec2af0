import type { Card } from '@giftcard/shared/api'
import { Text, View } from '@tarojs/components'

import { Pic } from './pic'
import { cardStatusText, formatBalance, formatValidity } from '../services/format'

/** A card's face, balance, validity and status. */
export function CardSummary({ card, balanceTestId }: { card: Card; balanceTestId?: string }) {
  return (
    <View className='card-summary'>
      {card.background_pic_url && <Pic className='card-summary__face' src={card.background_pic_url} />}
      <View className='card-summary__body'>
        <Text className='card-summary__label'>余额</Text>
        <Text className='card-summary__balance' data-testid={balanceTestId}>
          {formatBalance(card.balance)}
        </Text>
        <Text className='card-summary__meta' data-testid='card-status'>
          {cardStatusText(card.status)}
        </Text>
        <Text className='card-summary__meta' data-testid='card-validity'>
          有效期：{formatValidity(card.begin_time, card.end_time)}
        </Text>
      </View>
    </View>
  )
}
