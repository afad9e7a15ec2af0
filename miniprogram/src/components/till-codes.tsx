import { Text, View } from '@tarojs/components'

import { barcodeBars, groupCode, qrModules, runs } from '../services/codes'

/*
 * The codes a cashier scans, drawn as plain views (runs of dark and light modules sized by
 * flex-grow), so weapp and H5 render the same pixels without a canvas and a screenshot decodes.
 */

/** A QR code of `value`, its 4-module white quiet zone included, in a square box set by CSS. */
export function QrCode({ value }: { value: string }) {
  const rows = qrModules(value)
  return (
    <View className='qr' data-testid='qr-code'>
      {rows.map((row, r) => (
        <View key={r} className='qr__row'>
          {runs(row).map((run, i) => (
            <View key={i} className={run.dark ? 'qr__run qr__run--dark' : 'qr__run'} style={{ flexGrow: run.width }} />
          ))}
        </View>
      ))}
    </View>
  )
}

/** A Code 128 barcode of `value` with its quiet zones, and the digits under it in groups of 4. */
export function Barcode({ value }: { value: string }) {
  const bars = barcodeBars(value)
  if (!bars) return null
  return (
    <View className='barcode-box'>
      <View className='barcode' data-testid='barcode'>
        {bars.map((bar, i) => (
          <View key={i} className={bar.dark ? 'bar bar--dark' : 'bar'} style={{ flexGrow: bar.width }} />
        ))}
      </View>
      <Text className='barcode__digits' data-testid='barcode-digits'>
        {groupCode(value)}
      </Text>
    </View>
  )
}
