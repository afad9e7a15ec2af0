import { defineConfig, type UserConfigExport } from '@tarojs/cli'

import { EarlySession } from './early-session'
import { Precompress } from './precompress'
import { PreloadFirstPage } from './preload-pages'

// One config for both targets. TARO_ENV is 'weapp' or 'h5' (set by `taro build --type`).
const target = process.env.TARO_ENV === 'h5' ? 'h5' : 'weapp'

/**
 * Origin of the BFF, fixed at build time: `BFF_ORIGIN=https://bff.example.com pnpm run build`.
 * Unset: '' for H5 (same origin as the page) and http://127.0.0.1:3000 for weapp (DevTools, with
 * "不校验合法域名" on). A Mini Program cannot call a relative URL, so weapp needs an absolute origin.
 */
function bffOrigin(): string {
  const raw = process.env.BFF_ORIGIN ?? (target === 'h5' ? '' : 'http://127.0.0.1:3000')
  if (raw === '') {
    if (target === 'weapp') throw new Error('BFF_ORIGIN must be an absolute http(s) origin for weapp')
    return ''
  }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error(`BFF_ORIGIN is not a URL: ${JSON.stringify(raw)}`)
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`BFF_ORIGIN must be an http(s) origin without path, e.g. https://bff.example.com: ${JSON.stringify(raw)}`)
  }
  return url.origin
}

export default defineConfig<'webpack5'>(async (merge) => {
  const isProd = process.env.NODE_ENV !== 'development'
  const base: UserConfigExport<'webpack5'> = {
    projectName: 'giftcard-miniprogram',
    date: '2025-11-23',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: target === 'h5' ? 'dist-h5' : 'dist',
    plugins: [],
    defineConstants: {
      BFF_ORIGIN: JSON.stringify(bffOrigin()),
    },
    copy: { patterns: [], options: {} },
    // H5: Preact through preact/compat (the same React code; ~10 KB compressed where react-dom is ~45 KB)
    // for the first page's download and start-up on a phone. weapp keeps React (Taro's own reconciler
    // there, and its main package is within its budget).
    framework: target === 'h5' ? 'preact' : 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    mini: {
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
    h5: {
      publicPath: './',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      // View, Text, Button, Image, Input as plain components (@tarojs/components-react) instead of
      // Stencil web components: no Stencil runtime (~150 KB before minifying) in the first page.
      useHtmlComponents: true,
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false },
      },
      webpackChain(chain) {
        // The weapp main package has its own budget (scripts/check-size.js); webpack's 244 KiB hint is noise here.
        chain.performance.hints(false)
        // The first page's lazy chunks download beside the main bundle, not after it.
        chain.plugin('preload-first-page').use(PreloadFirstPage, ['pages/shelf/index'])
        // A new visitor's demo session starts while the scripts download, not after they have run.
        chain.plugin('early-session').use(EarlySession, [bffOrigin()])
        // Brotli copies at quality 11 for the BFF to serve (bff/src/http/static.ts).
        if (isProd) chain.plugin('precompress').use(Precompress)
      },
    },
  }
  const byMode: UserConfigExport<'webpack5'> = isProd
    ? {}
    : { logger: { quiet: false, stats: true } }
  return merge({}, base, byMode)
})
