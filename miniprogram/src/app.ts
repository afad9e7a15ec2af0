import type { PropsWithChildren } from 'react'
import { useDidShow } from '@tarojs/taro'

import { recordAppShow } from './services/launch'
import './app.css'

function App({ children }: PropsWithChildren) {
  // App.onShow gets each entry's options, a warm re-entry's too (a page's onShow gets none).
  useDidShow((options) => recordAppShow(options))
  // children is the page being shown
  return children
}

export default App
