import type { Card } from '@giftcard/shared/api'
import { Text, View } from '@tarojs/components'

import { Pic } from './pic'
import { cardTitle, type CardState } from '../services/card'
import { formatFen } from '../services/format'

/**
 * The card's face, title, balance and face value. The balance is large and green only when it is
 * money to spend; otherwise it is grey, with the card's state and what it means beside it.
 */
export function CardSummary({ card, state }: { card: Card; state: CardState }) {
  return (
    <View className='card-hero'>
      <Pic className='card-hero__face' src={card.background_pic_url ?? undefined} />
      <View className='card-hero__head'>
        <Text className='card-hero__title' data-testid='card-title'>
          {cardTitle(card)}
        </Text>
        <Text className={state.spendable ? 'tag tag--ok' : 'tag'} data-testid='card-status'>
          {state.label}
        </Text>
      </View>
      <View className='card-hero__amounts'>
        <View className='card-hero__balance-box'>
          <Text className='card-hero__label' data-testid='card-balance-label'>
            余额
          </Text>
          <Text className={state.spendable ? 'card-hero__balance card-hero__balance--spendable' : 'card-hero__balance'} data-testid='card-balance'>
            {card.balance === null ? '—' : formatFen(card.balance)}
          </Text>
        </View>
        {card.face_value !== null && (
          <Text className='card-hero__face-value' data-testid='card-face-value'>
            面值 {formatFen(card.face_value)}
          </Text>
        )}
      </View>
      {!state.spendable && (
        <Text className='card-hero__hint' data-testid='card-state-hint'>
          {state.hint}
        </Text>
      )}
    </View>
  )
}
