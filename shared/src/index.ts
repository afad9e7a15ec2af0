export {};
export * from './wechat';
export * from './money';
export * from './protocol';
