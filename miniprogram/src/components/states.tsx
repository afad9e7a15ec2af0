import { Button, Text, View } from '@tarojs/components'

import { ApiError } from '../services/http'

export function Loading({ text = '加载中…' }: { text?: string }) {
  return (
    <View className='state' data-testid='state-loading'>
      <Text className='state__text'>{text}</Text>
    </View>
  )
}

export function Empty({ text, action, onAction, actionTestId }: { text: string; action?: string; onAction?: () => void; actionTestId?: string }) {
  return (
    <View className='state' data-testid='state-empty'>
      <Text className='state__text'>{text}</Text>
      {action && onAction && (
        <Button className='btn btn--plain' size='mini' data-testid={actionTestId} onClick={onAction}>
          {action}
        </Button>
      )}
    </View>
  )
}

const CJK = /[\u4e00-\u9fa5]/
const LATIN = /[A-Za-z]/

/**
 * What to tell a consumer about a failure, in Chinese. The BFF's messages are for developers
 * (English, ids): only a message already written in Chinese is shown as it is.
 */
export function failureText(error: Error): string {
  if (CJK.test(error.message) && !LATIN.test(error.message)) return error.message
  if (!(error instanceof ApiError)) return '出了点问题，请稍后重试'
  if (error.status === 0) return '网络不太稳定，请检查网络后重试'
  if (error.status === 401 || error.status === 403) return '无法查看，请确认是本人的微信'
  if (error.status === 400) return '填写的信息有误，请检查后重试'
  if (error.status === 404) return '没有找到相关内容'
  if (error.status === 429 || error.status >= 500) return '服务繁忙，请稍后重试'
  return '请求没有成功，请稍后重试'
}

export function Failure({ error, onRetry, testId = 'state-error', inline = false }: { error: Error; onRetry?: () => void; testId?: string; inline?: boolean }) {
  return (
    <View className={inline ? 'state state--inline' : 'state'} data-testid={testId}>
      <Text className='state__text'>{inline ? failureText(error) : `加载失败：${failureText(error)}`}</Text>
      {onRetry && (
        <Button className='btn btn--plain' size='mini' data-testid='retry' onClick={onRetry}>
          重试
        </Button>
      )}
    </View>
  )
}
