export * from './endpoint';
export * from './errors';
export * from './endpoints';
export * from './event-docs';
export * from './event-table';
export * from './events';
export * from './demo-account';
