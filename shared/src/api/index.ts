/** The BFF ↔ Mini Program API (CONTRACT.md "Mini Program API"): plain types and zod schemas, no Node code. */
export * from './session';
export * from './shelf';
export * from './cards';
export * from './orders';
export * from './invoice';
export * from './scan';
export * from './till';
