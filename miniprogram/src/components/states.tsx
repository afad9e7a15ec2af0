import { Button, Text, View } from '@tarojs/components'

export function Loading({ text = '加载中…' }: { text?: string }) {
  return (
    <View className='state' data-testid='state-loading'>
      <Text className='state__text'>{text}</Text>
    </View>
  )
}

export function Empty({ text }: { text: string }) {
  return (
    <View className='state' data-testid='state-empty'>
      <Text className='state__text'>{text}</Text>
    </View>
  )
}

export function Failure({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  return (
    <View className='state' data-testid='state-error'>
      <Text className='state__text'>加载失败：{error.message}</Text>
      {onRetry && (
        <Button className='btn btn--plain' size='mini' data-testid='retry' onClick={onRetry}>
          重试
        </Button>
      )}
    </View>
  )
}
