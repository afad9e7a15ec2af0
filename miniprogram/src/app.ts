import type { PropsWithChildren } from 'react'
import Taro, { useDidShow, usePageNotFound } from '@tarojs/taro'

import { recordAppShow } from './services/launch'
import { routes } from './services/router'
import './app.css'

function App({ children }: PropsWithChildren) {
  // App.onShow gets each entry's options, a warm re-entry's too (a page's onShow gets none).
  useDidShow((options) => recordAppShow(options))
  // An unknown route (an old link, a typo): a designed page, not a blank one.
  usePageNotFound(() => {
    Taro.redirectTo({ url: routes.notFound }).catch(() => Taro.reLaunch({ url: routes.notFound }))
  })
  // children is the page being shown
  return children
}

export default App
