/**
 * The one logger: pino, JSON lines on stdout (`t`, `level`, `pid`, the caller's fields, `msg`). Secrets and
 * tokens are redacted by field name (SECRET_FIELDS) wherever a caller passes them, at the top of a line
 * and one level down (a logged config or headers object); every line logged while a request is served
 * carries its id (`req_id`, http/request-id.ts). Callers still pass fields, never a URL with an access_token.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** The request being served (its X-Request-Id), for the lines logged while it is. */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

/** Field names whose values never reach a log line: WeChat's, HTTP's, and the settings' secrets. */
export const SECRET_FIELDS = [
  'token',
  'accessToken',
  'access_token',
  'secret',
  'appsecret',
  'session_key',
  'sessionKey',
  'password',
  'authorization',
  'cookie',
  'key',
  'aesKey',
  'encodingAesKey',
  'wechatAppsecret',
  'wechatToken',
  'wechatAesKey',
  'wechatAesKeyPrevious',
  'wxaSecret',
  'adminToken',
  'sessionSecret',
  'metricsToken',
];

export function createLogger(level: LogLevel = (process.env.LOG_LEVEL as LogLevel) ?? 'info', write?: (line: string) => unknown): Logger {
  const log = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: () => `,"t":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]), censor: '[redacted]' },
      mixin: () => {
        const request = requestContext.getStore();
        return request ? { req_id: request.requestId } : {};
      },
    },
    write ? { write } : pino.destination({ fd: 1, sync: true }),
  );
  const at = (l: LogLevel) => (msg: string, fields?: Record<string, unknown>) => (fields === undefined ? log[l](msg) : log[l](fields, msg));
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
