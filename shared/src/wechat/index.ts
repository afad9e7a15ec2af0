export * from './endpoint';
export * from './errors';
export * from './endpoints';
export * from './events';
