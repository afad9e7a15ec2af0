import { fireEvent, render, screen } from '@testing-library/react'

import Taro, { resetTaro, triggerPageNotFound } from '../doubles/taro'
import App from '../../src/app'
import NotFoundPage from '../../src/pages/not-found/index'

beforeEach(() => resetTaro())

test('an unknown route goes to the not-found page (App onPageNotFound), not a blank', async () => {
  render(
    <App>
      <div />
    </App>,
  )
  await triggerPageNotFound('/pages/nope/index')
  expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/not-found/index' })
})

test('the not-found page says so in Chinese and leads back to the shelf', () => {
  render(<NotFoundPage />)
  const page = screen.getByTestId('page-not-found')
  expect(page.textContent).toContain('页面不存在')
  expect(page.textContent).not.toMatch(/[A-Za-z]/)
  fireEvent.click(screen.getByTestId('go-shelf'))
  expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/shelf/index' })
})
