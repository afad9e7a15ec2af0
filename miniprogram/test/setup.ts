// Build-time constants of the Taro build (config/index.ts), as tests see them.
;(globalThis as { BFF_ORIGIN?: string }).BFF_ORIGIN = ''
process.env.TARO_ENV = 'weapp'
