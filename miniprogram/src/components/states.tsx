import type { ReactNode } from 'react'
import Taro from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'

import { describeFailure, type FailureCopy } from '../services/errors'
import { go } from '../services/router'

export { failureText } from '../services/errors'

/** Why a list can be empty for a buyer: the app knows them once they opened a card from the card bag. */
export const FIRST_OPEN_HINT = '在微信中购买或收到礼品卡后，请先从微信卡包打开一次礼品卡，这里才会显示'

/** Where a state leads when trying again cannot help: a page of the app (e.g. 去选购礼品卡 → the shelf). */
export interface Way {
  label: string
  url: string
  testId?: string
}

export type SkeletonShape = 'shelf' | 'list' | 'detail'

/**
 * The page's shape in grey while it loads (WeUI's skeleton), not a bare 加载中: the shelf's banner and
 * rows, a list's rows, a detail page's summary and cells.
 */
export function Loading({ shape = 'detail' }: { shape?: SkeletonShape }) {
  const rows = shape === 'list' ? 4 : 3
  return (
    <View className={`skeleton skeleton--${shape}`} data-testid='state-loading' aria-label='加载中' aria-busy='true'>
      {shape === 'shelf' && <View className='skeleton__banner' />}
      {shape === 'detail' && (
        <View className='skeleton__hero'>
          <View className='skeleton__line skeleton__line--short' />
          <View className='skeleton__line skeleton__line--big' />
        </View>
      )}
      <View className='skeleton__group'>
        {Array.from({ length: rows }, (_, i) => (
          <View key={i} className='skeleton__row'>
            {shape === 'list' && <View className='skeleton__thumb' />}
            <View className='skeleton__text'>
              <View className='skeleton__line' />
              <View className='skeleton__line skeleton__line--short' />
            </View>
          </View>
        ))}
      </View>
    </View>
  )
}

function WayButton({ way, primary }: { way: Way; primary: boolean }) {
  return (
    <Button className={primary ? 'btn btn--state' : 'btn btn--plain btn--state'} data-testid={way.testId ?? 'state-way'} onClick={() => go(way.url)}>
      {way.label}
    </Button>
  )
}

/** A message page (WeUI msg): an icon, what happened, what it means, and the ways on. */
function Message({ testId, icon, title, hint, children }: { testId: string; icon: 'info' | 'warn' | 'empty'; title: string; hint?: string; children?: ReactNode }) {
  return (
    <View className='state' data-testid={testId}>
      <View className={`state__icon state__icon--${icon}`} />
      <Text className='state__text'>{title}</Text>
      {hint && <Text className='state__hint'>{hint}</Text>}
      {children && <View className='state__actions'>{children}</View>}
    </View>
  )
}

export function Empty({ text, hint, action, onAction, actionTestId, way, testId = 'state-empty' }: { text: string; hint?: string; action?: string; onAction?: () => void; actionTestId?: string; way?: Way; testId?: string }) {
  return (
    <Message testId={testId} icon='empty' title={text} hint={hint}>
      {action && onAction && (
        <Button className='btn btn--state' data-testid={actionTestId ?? 'state-action'} onClick={onAction}>
          {action}
        </Button>
      )}
      {way && <WayButton way={way} primary={!(action && onAction)} />}
    </Message>
  )
}

/**
 * A failure as the consumer should meet it: in Chinese, 重试 only where trying again can help
 * (busy, timeout, network), and always a way on (`way`) where it cannot. `notFound` words a 404 for
 * the page (没有找到这个订单 …). Several ways: the first is the primary one when 重试 cannot help.
 */
export function Failure({ error, onRetry, way, notFound, testId = 'state-error', inline = false }: { error: Error; onRetry?: () => void; way?: Way | Way[]; notFound?: Partial<Pick<FailureCopy, 'title' | 'hint'>>; testId?: string; inline?: boolean }) {
  const copy = describeFailure(error)
  const shown = copy.kind === 'not_found' && notFound ? { ...copy, ...notFound } : copy
  const retry = shown.retry && onRetry
  if (inline) {
    return (
      <View className='state state--inline' data-testid={testId} data-failure={shown.kind}>
        <Text className='state__text'>{shown.title}</Text>
        <Text className='state__hint'>{shown.hint}</Text>
        {retry && (
          <Button className='btn btn--plain btn--state' data-testid='retry' onClick={onRetry}>
            重试
          </Button>
        )}
      </View>
    )
  }
  return (
    <View data-failure={shown.kind}>
      <Message testId={testId} icon={shown.retry ? 'warn' : 'info'} title={shown.title} hint={shown.hint}>
        {retry && (
          <Button className='btn btn--state' data-testid='retry' onClick={onRetry}>
            重试
          </Button>
        )}
        {(Array.isArray(way) ? way : way ? [way] : []).map((w, i) => (
          <WayButton key={w.url} way={w} primary={!retry && i === 0} />
        ))}
      </Message>
    </View>
  )
}

/** 拨打商家电话 (WeChat asks the user to confirm); a cancel is not an error. */
export function callMerchant(phone: string): void {
  Taro.makePhoneCall({ phoneNumber: phone }).catch(() => undefined)
}
