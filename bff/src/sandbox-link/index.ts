/**
 * The BFF's side of the WeChat sandbox (SANDBOX=1), which runs as a service of its own (`pnpm sandbox`):
 * the reverse proxy that serves it under `/sandbox` of this origin, and its clock as the callback's
 * "now". Nothing here imports the sandbox package: the BFF knows it only over HTTP, as it knows WeChat.
 */
export { sandboxProxy } from './proxy';
export { SandboxClock } from './clock';
