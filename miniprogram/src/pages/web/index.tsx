import { WebView } from '@tarojs/components'
import { isHttpUrl } from '@giftcard/shared/protocol'

import { Empty } from '../../components/states'
import { routerParam } from '../../services/router'

/** A merchant web page (an order's after-sales link) inside the Mini Program; web-view loads https only. */
export default function WebPage() {
  const url = routerParam('url')
  if (!isHttpUrl(url) || !/^https:/i.test(url)) return <Empty text='无法打开该页面' />
  return <WebView src={url} />
}
