// The URL protocols between WeChat and the merchant's pages. query.ts is internal; only what callers need of it is exported.
export * from './shelf-link';
export * from './cell-jump';
export * from './card-jump';
export * from './scan-redirect';
export { isHttpUrl, type ParamsInput } from './query';
