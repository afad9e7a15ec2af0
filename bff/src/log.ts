/**
 * The one logger: pino, JSON lines on stdout (`t`, `level`, `pid`, the caller's fields, `msg`). Secrets and
 * tokens are redacted by field name (SECRET_FIELDS) wherever a caller passes them, at the top of a line
 * and one level down (a logged config or headers object). A request's lines carry its id (`req_id`) when
 * logged through its child logger (`requestLogger`, http/request-id.ts): the id is passed, not found through
 * AsyncLocalStorage, whose async hooks would tax every await in the process. Callers still pass fields,
 * never a URL with an access_token.
 */
import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line also carries `bindings` (pino's child: serialised once, not per line). */
  child(bindings: Record<string, unknown>): Logger;
}

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
    },
    write ? { write } : pino.destination({ fd: 1, sync: true }),
  );
  return wrap(log);
}

function wrap(log: pino.Logger): Logger {
  const at = (l: LogLevel) => (msg: string, fields?: Record<string, unknown>) => (fields === undefined ? log[l](msg) : log[l](fields, msg));
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (bindings) => wrap(log.child(bindings)) };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };
