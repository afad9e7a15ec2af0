import { useState } from 'react'
import { Image, View } from '@tarojs/components'

/**
 * An image in a fixed-size box (the box's size comes from `className`) over a soft grey placeholder.
 * When the image fails to load it is hidden, so the placeholder shows instead of a broken-image glyph.
 */
export function Pic({ src, className, testId }: { src?: string; className: string; testId?: string }) {
  const [failedSrc, setFailedSrc] = useState<string>()
  const failed = !src || failedSrc === src
  return (
    <View className={`pic ${className}${failed ? ' pic--failed' : ''}`}>
      {src && <Image className='pic__img' src={src} mode='aspectFill' data-testid={testId} onError={() => setFailedSrc(src)} />}
    </View>
  )
}
