// The URL protocols between WeChat and the merchant's pages. query.ts is internal and not exported.
export * from './shelf-link';
export * from './cell-jump';
export * from './card-jump';
export * from './scan-redirect';
export type { ParamsInput } from './query';
