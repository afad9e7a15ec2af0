import { barcodeBars, groupCode, qrModules } from '../src/services/codes'
import { cardState, cardTitle } from '../src/services/card'
import { formatDate, formatDateTime, formatValidity } from '../src/services/format'

const NOW = 1_800_000_000
const state = (status: string, balance: number | null, over: { end_time?: number | null; can_consume?: boolean } = {}) =>
  cardState({ status: status as never, balance, end_time: over.end_time ?? null, can_consume: over.can_consume ?? true }, NOW)

describe('cardState: what a card is, in the consumer\'s words', () => {
  test('only a normal card with money left, within validity, is spendable', () => {
    expect(state('NORMAL', 100)).toMatchObject({ standing: 'usable', label: '可使用', spendable: true })
    expect(state('NORMAL', 0)).toMatchObject({ standing: 'used_up', label: '已用完', spendable: false })
    expect(state('CONSUMED', 100)).toMatchObject({ standing: 'consumed', label: '已核销', spendable: false })
    expect(state('REMOVED', null)).toMatchObject({ standing: 'refunded', label: '已退款', spendable: false })
    expect(state('EXPIRE', 100)).toMatchObject({ standing: 'expired', label: '已过期', spendable: false })
    expect(state('NORMAL', 100, { end_time: NOW - 1 })).toMatchObject({ standing: 'expired', spendable: false })
    expect(state('GIFTING', 100)).toMatchObject({ standing: 'gifting', label: '转赠中', spendable: false })
    expect(state('NORMAL', 100, { can_consume: false })).toMatchObject({ spendable: false })
    for (const s of ['GIFT_TIMEOUT', 'DELETE', 'UNAVAILABLE', 'SOMETHING_NEW']) {
      const st = state(s, 100)
      expect(st.spendable).toBe(false)
      expect(st.label).toMatch(/^[\u4e00-\u9fa5]+$/)
      expect(st.hint).toMatch(/[\u4e00-\u9fa5]/)
    }
  })

  test('the title falls back to the face value, never to an id', () => {
    expect(cardTitle({ title: '心意礼品卡', face_value: 5000 })).toBe('心意礼品卡')
    expect(cardTitle({ title: null, face_value: 5000 })).toBe('¥50.00 礼品卡')
    expect(cardTitle({ title: ' ', face_value: null })).toBe('礼品卡')
  })
})

describe('dates', () => {
  test('in Chinese, local time', () => {
    const t = new Date(2026, 11, 1, 14, 5).getTime() / 1000
    expect(formatDate(t)).toBe('2026年12月1日')
    expect(formatDateTime(t)).toBe('2026年12月1日 14:05')
    expect(formatValidity(null, t)).toBe('至 2026年12月1日')
    expect(formatValidity(null, null)).toBe('长期有效')
  })
})

describe('codes for the till', () => {
  test('the QR code is a square with a white quiet zone of 4 modules and finder patterns in three corners', () => {
    const m = qrModules('110201201245')
    const n = m.length
    expect(n).toBeGreaterThanOrEqual(21 + 8)
    for (const row of m) expect(row).toHaveLength(n)
    for (let i = 0; i < 4; i++) {
      expect(m[i]!.every((d) => !d)).toBe(true)
      expect(m[n - 1 - i]!.every((d) => !d)).toBe(true)
      expect(m.every((row) => !row[i] && !row[n - 1 - i])).toBe(true)
    }
    // A finder pattern's top edge: 7 dark modules from the quiet zone on.
    expect(m[4]!.slice(4, 11).every(Boolean)).toBe(true)
    expect(m[4]!.slice(n - 11, n - 4).every(Boolean)).toBe(true)
    expect(m[n - 5]!.slice(4, 11).every(Boolean)).toBe(true)
  })

  test('the barcode is Code 128 with quiet zones of 10 modules, starting with a start and ending with the stop pattern', () => {
    const bars = barcodeBars('110201201245')!
    expect(bars[0]).toEqual({ dark: false, width: 10 })
    expect(bars.at(-1)).toEqual({ dark: false, width: 10 })
    const modules = bars.map((b) => (b.dark ? '1' : '0').repeat(b.width)).join('')
    // Start C (105) … stop (106) with its final bar.
    expect(modules.slice(10, 21)).toBe('11010011100')
    expect(modules.slice(-23, -10)).toBe('1100011101011')
    // Runs alternate dark and light.
    bars.forEach((b, i) => i > 0 && expect(b.dark).not.toBe(bars[i - 1]!.dark))
    expect(barcodeBars('礼品')).toBeNull()
  })

  test('the code reads in groups of 4', () => {
    expect(groupCode('110201201245')).toBe('1102 0120 1245')
    expect(groupCode('12345')).toBe('1234 5')
  })
})

test('the standing of every WeChat status reads as the shared vocabulary (landing page, till CLI)', () => {
  const { CARD_STATUS_TEXT } = jest.requireActual('@giftcard/shared/card-status') as typeof import('@giftcard/shared/card-status')
  for (const status of Object.keys(CARD_STATUS_TEXT) as (keyof typeof CARD_STATUS_TEXT)[]) {
    const s = cardState({ status, balance: 100, end_time: null, can_consume: true })
    expect({ status, label: s.label, hint: s.hint }).toEqual({ status, label: CARD_STATUS_TEXT[status].label, hint: CARD_STATUS_TEXT[status].hint })
  }
})
