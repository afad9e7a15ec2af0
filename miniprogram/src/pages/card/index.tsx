import { useEffect, useRef, useState } from 'react'
import { useDidShow } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'

import { CardHistory } from '../../components/card-history'
import { CardSummary } from '../../components/card-summary'
import { Cell, CellGroup } from '../../components/cells'
import { Empty, Failure, Loading } from '../../components/states'
import { Barcode, QrCode } from '../../components/till-codes'
import { api } from '../../services/api'
import { failureKind } from '../../services/errors'
import { cardState, offerCardBag, openCardFromQuery, openInCardBag } from '../../services/card'
import { formatValidity } from '../../services/format'
import { jumpKey, jumpPicker } from '../../services/launch'
import { go, routerParams, routes } from '../../services/router'
import { useResource, type Resource } from '../../services/use-resource'
import './index.css'

/** A cell with its text under the label (validity, instructions: too long for the value column). */
function TextCell({ label, text, testId }: { label: string; text: string; testId: string }) {
  return (
    <View className='cell cell--text' data-testid={testId}>
      <Text className='cell__caption'>{label}</Text>
      <Text className='card-page__text'>{text}</Text>
    </View>
  )
}

/** The history as loaded for this code: another card's (the one shown before a new jump) is not shown. */
function ofCode<T extends { code: string }>(res: Resource<T>, code: string): Resource<T> {
  if (!res.data || res.data.code === code) return res
  return res.state === 'error' ? { state: 'error', error: res.error } : { state: 'loading' }
}

/**
 * The card-button jump target (002 §14.1). On every show it asks which jump to open (a warm re-entry
 * may bring another card) and re-reads the card from WeChat, so the balance, the state and the till
 * codes are current; then its spending history.
 */
export default function CardPage() {
  const [pick] = useState(jumpPicker)
  // The jump being opened: while another card loads, the previous one (and its codes) is not shown.
  const wanted = useRef('')
  // The code each jump opened: showing it again re-reads that code (one WeChat read) rather than the
  // jump (decrypt, then read). A code gone since (the merchant changed it) opens the jump afresh.
  const opened = useRef(new Map<string, string>())
  const [res, reload] = useResource(async () => {
    const query = pick(routerParams())
    const key = jumpKey(query)
    wanted.current = key
    const known = opened.current.get(key)
    const again = known === undefined ? undefined : await api.card(known).catch((e: unknown) => (failureKind(e) === 'not_found' ? undefined : Promise.reject(e)))
    const card = again ?? (await openCardFromQuery(query))
    if (card) opened.current.set(key, card.code)
    return { key, card }
  }, false)
  useDidShow(() => {
    void reload()
  })
  const card = res.data?.card ?? null
  const [history, reloadHistory] = useResource(async () => ({ code: card!.code, history: (await api.cardHistory(card!.code)).history }), false)
  useEffect(() => {
    if (card) void reloadHistory()
  }, [card, reloadHistory])

  if (res.state === 'error') {
    // Given away: a friend holds it now, theirs to use (COPY.given_away). Not found: WeChat no longer
    // gives this user the code (refunded, received by a friend, or another user's).
    const kind = failureKind(res.error)
    const cards = { label: '查看我的礼品卡', url: routes.cards, testId: 'card-list' }
    const way = kind === 'given_away' ? [cards, { label: '查看我的订单', url: routes.orders, testId: 'go-orders' }] : kind === 'not_found' ? [cards, { label: '去选购礼品卡', url: routes.shelf, testId: 'go-shelf' }] : cards
    return (
      <Failure
        error={res.error}
        onRetry={reload}
        testId={kind === 'given_away' ? 'card-given-away' : kind === 'not_found' ? 'card-gone' : 'state-error'}
        notFound={{ title: '没有找到这张礼品卡', hint: '它可能已退款、已被朋友领取，或不属于当前微信账号' }}
        way={way}
      />
    )
  }
  if (res.data === undefined || res.data.key !== wanted.current) return <Loading />
  if (card === null) return <Empty text='请从微信卡包中的礼品卡打开' hint='也可以在“我的礼品卡”中选择一张查看' action='查看我的礼品卡' onAction={() => go(routes.cards)} actionTestId='card-list' />
  const state = cardState(card)
  const h5 = process.env.TARO_ENV === 'h5'
  return (
    <View className='page card-page'>
      <CardSummary card={card} state={state} />
      {state.spendable && (
        <View className='till' data-testid='till-codes'>
          <Text className='till__title'>到店使用</Text>
          <Text className='till__hint' data-testid='card-notice'>
            {card.notice?.trim() || '结账时向收银员出示此码'}
          </Text>
          <Barcode value={card.code} />
          <View className='till__qr'>
            <QrCode value={card.code} />
          </View>
        </View>
      )}
      {offerCardBag(state) &&
        (h5 ? (
          <Text className='note card-page__gift' data-testid='open-card-hint'>
            请在微信中打开，可在卡包中将礼品卡赠送给朋友
          </Text>
        ) : (
          <View className='card-page__gift'>
            <Button className={state.spendable ? 'btn btn--block' : 'btn btn--plain btn--block'} data-testid='open-card' onClick={() => void openInCardBag(card)}>
              在微信卡包中打开
            </Button>
            <Text className='note'>可在卡包中查看，或将礼品卡赠送给朋友</Text>
          </View>
        ))}
      <CellGroup>
        <Cell label='查看订单' onClick={() => go(routes.order(card.order_id))} testId='card-order' />
        <Cell label='我的礼品卡' onClick={() => go(routes.cards)} testId='card-list' />
      </CellGroup>
      <CellGroup title='使用须知'>
        <TextCell label='有效期' text={formatValidity(card.begin_time, card.end_time)} testId='card-validity' />
        {/* A usable card shows its notice under the till codes. */}
        {!state.spendable && card.notice?.trim() && <TextCell label='使用提醒' text={card.notice} testId='card-notice' />}
        {card.description?.trim() && <TextCell label='使用说明' text={card.description} testId='card-description' />}
      </CellGroup>
      <CardHistory res={ofCode(history, card.code)} onRetry={() => void reloadHistory()} />
    </View>
  )
}
