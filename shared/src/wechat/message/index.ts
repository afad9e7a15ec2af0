/// <reference types="node" />
/**
 * WeChat's message protocol in one module, for both ends of a push: signatures (signature.ts), the AES of
 * safe mode (aes.ts), XML reading (xml-read.ts) and writing (xml-write.ts), sealing and opening a push
 * (push.ts) and its reply (reply.ts). The callback opens pushes and seals replies; the sandbox's pusher,
 * the bench and the tests seal pushes and open replies. Pure functions: no I/O.
 *
 * Node only (node:crypto): imported as `@giftcard/shared/wechat/message`, never re-exported from the
 * package root, so the Mini Program (which reads the root and its other subpaths) never pulls it in.
 */
export * from './aes';
export * from './signature';
export * from './xml-read';
export * from './xml-write';
export * from './push';
export * from './reply';
