import type { PropsWithChildren, ReactNode } from 'react'
import { Text, View } from '@tarojs/components'

/** A group of white cells on the grey page, with an optional title above it. */
export function CellGroup({ title, children }: PropsWithChildren<{ title?: string }>) {
  return (
    <View className='cell-group'>
      {title && <Text className='cell-group__title'>{title}</Text>}
      <View className='cell-group__body'>{children}</View>
    </View>
  )
}

export interface CellProps {
  label: ReactNode
  value?: ReactNode
  /** Shows an arrow and makes the cell tappable. */
  onClick?: () => void
  testId?: string
  /** data-* attributes to carry (e.g. `{'data-order-id': id}`), for tests to find a row without showing an id. */
  data?: Record<`data-${string}`, string>
}

export function Cell({ label, value, onClick, testId, data }: CellProps) {
  return (
    <View className={onClick ? 'cell cell--link' : 'cell'} onClick={onClick} data-testid={testId} {...data}>
      <View className='cell__label'>{label}</View>
      {value !== undefined && <View className='cell__value'>{value}</View>}
      {onClick && <Text className='cell__arrow'>›</Text>}
    </View>
  )
}
