import type { CardHistoryEntry } from '@giftcard/shared/api'
import { Text, View } from '@tarojs/components'

import { CellGroup } from './cells'
import { Failure } from './states'
import { formatDateTime, formatFen } from '../services/format'
import type { Resource } from '../services/use-resource'

/** One line of the ledger as the holder reads it: 消费 -¥12.00 / 退回 +¥12.00, the balance after, when. */
function HistoryLine({ entry }: { entry: CardHistoryEntry }) {
  const debit = entry.kind === 'debit'
  const reversed = debit && entry.reversed_at !== null
  return (
    <View className='cell history' data-testid='history-entry'>
      <View className='cell__label'>
        <View className='history__what'>
          <Text>{debit ? '消费' : '退回'}</Text>
          {reversed && <Text className='tag'>已撤销</Text>}
        </View>
        <Text className='history__meta'>
          {formatDateTime(entry.created_at)}
          {entry.note ? ` · ${entry.note}` : ''}
        </Text>
      </View>
      <View className='history__amounts'>
        <Text className={reversed ? 'history__amount history__amount--void' : debit ? 'history__amount' : 'history__amount history__amount--in'}>
          {debit ? '-' : '+'}
          {formatFen(entry.amount)}
        </Text>
        <Text className='history__meta'>余额 {formatFen(entry.balance_after)}</Text>
      </View>
    </View>
  )
}

/** 消费记录: the card's spending history from the till's ledger, newest first. */
export function CardHistory({ res, onRetry }: { res: Resource<{ history: CardHistoryEntry[] }>; onRetry: () => void }) {
  let body
  if (res.state === 'error' && !res.data) body = <Failure inline error={res.error} onRetry={onRetry} testId='history-error' />
  else if (!res.data) body = <Text className='history__note'>加载中…</Text>
  else if (res.data.history.length === 0)
    body = (
      <Text className='history__note' data-testid='history-empty'>
        暂无消费记录
      </Text>
    )
  else body = res.data.history.map((e) => <HistoryLine key={e.id} entry={e} />)
  return <CellGroup title='消费记录'>{body}</CellGroup>
}
