export {};
export * from './wechat';
export * from './money';
export * from './card-status';
export * from './china-time';
export * from './protocol';
