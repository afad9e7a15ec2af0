/**
 * The one logger: JSON lines on stdout. Callers pass fields, never a URL with an access_token,
 * a secret or a session key.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(level: Level = (process.env.LOG_LEVEL as Level) ?? 'info', write = (line: string) => process.stdout.write(line)): Logger {
  const min = order[level] ?? order.info;
  const at = (l: Level) => (msg: string, fields?: Record<string, unknown>) => {
    if (order[l] < min) return;
    write(`${JSON.stringify({ t: new Date().toISOString(), level: l, msg, ...fields })}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
