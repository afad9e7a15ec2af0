import { Text, View } from '@tarojs/components'

import { Cell } from './cells'
import { go, routes } from '../services/router'

/**
 * A cell that opens a merchant's web page. In H5 it is a plain link. A Mini Program cannot open a URL
 * itself: it shows the page in the web-view page, which WeChat allows for the merchant's business
 * domains (set in the Mini Program's admin console).
 */
export function WebLinkCell({ label, url, testId }: { label: string; url: string; testId?: string }) {
  if (process.env.TARO_ENV === 'h5') {
    return (
      <a className='cell cell--link' href={url} data-testid={testId}>
        <View className='cell__label'>{label}</View>
        <Text className='cell__arrow'>›</Text>
      </a>
    )
  }
  return <Cell label={label} onClick={() => go(routes.web(url))} testId={testId} />
}
