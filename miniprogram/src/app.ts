import type { PropsWithChildren } from 'react'
import Taro, { useDidShow, usePageNotFound } from '@tarojs/taro'

import { recordAppShow } from './services/launch'
import { routes } from './services/router'
import { token } from './services/session'
import './app.css'

// H5: the session (two round trips for a new visitor) starts as the app loads, beside the first
// page's chunk, not after the page has rendered its first call; the page's call shares it.
if (process.env.TARO_ENV === 'h5') void token().catch(() => undefined)

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
