import { View } from '@tarojs/components'

import { Empty } from '../../components/states'
import { routes } from '../../services/router'

/** Where an unknown route lands (App's onPageNotFound): a message and the ways back, never a blank page. */
export default function NotFoundPage() {
  return (
    <View className='page'>
      <Empty
        testId='page-not-found'
        text='页面不存在'
        hint='链接可能已失效，可以回到礼品卡首页看看'
        way={{ label: '回到礼品卡首页', url: routes.shelf, testId: 'go-shelf' }}
      />
    </View>
  )
}
