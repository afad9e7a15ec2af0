/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.gif'
declare module '*.jpg'
declare module '*.jpeg'
declare module '*.svg'
declare module '*.css'
declare module '*.scss'

/** Origin of the BFF, fixed at build time from the BFF_ORIGIN env var (see config/index.ts). '' = same origin (H5). */
declare const BFF_ORIGIN: string

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production'
    TARO_ENV: 'weapp' | 'h5'
    BFF_ORIGIN?: string
  }
}
