import { Text, View } from '@tarojs/components'

import './index.css'

export default function Shelf() {
  return (
    <View className='shelf'>
      <Text className='shelf__title'>礼品卡</Text>
      <Text className='shelf__hint'>精选礼品卡即将上架，敬请期待。</Text>
    </View>
  )
}
