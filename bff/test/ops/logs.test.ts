import { createLogger } from '../../src/log';
import { startBff } from '../support/app';

/** The logger (pino): JSON lines as before, secrets and tokens redacted, each request's id on its lines. */
const linesOf = (level: 'debug' | 'info' | 'warn' | 'error' = 'debug') => {
  const lines: Record<string, unknown>[] = [];
  return { lines, logger: createLogger(level, (line) => lines.push(JSON.parse(line)) > 0) };
};

describe('log lines', () => {
  it('are JSON with t, level, msg and the fields, below the level dropped', () => {
    const { lines, logger } = linesOf('info');
    logger.debug('not written');
    logger.info('listening', { origin: 'http://127.0.0.1:3000', sandbox: true });
    logger.error('failed', { error: 'boom' });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'listening', origin: 'http://127.0.0.1:3000', sandbox: true, pid: process.pid });
    expect(new Date(String(lines[0]!.t)).toISOString()).toBe(lines[0]!.t);
    expect(lines[1]).toMatchObject({ level: 'error', msg: 'failed', error: 'boom' });
  });

  it('redact secrets and tokens, at the top and one level down', () => {
    const { lines, logger } = linesOf();
    logger.warn('careless', {
      token: 't',
      access_token: 'at',
      secret: 's',
      session_key: 'sk',
      authorization: 'Bearer x',
      adminToken: 'admin',
      headers: { authorization: 'Bearer y', cookie: 'c=1' },
      config: { wechatAppsecret: 'a', sessionSecret: 'b', wechatAesKey: 'k', metricsToken: 'm', port: 3000 },
      orderId: 'o1',
    });
    expect(lines[0]).toEqual(
      expect.objectContaining({
        token: '[redacted]',
        access_token: '[redacted]',
        secret: '[redacted]',
        session_key: '[redacted]',
        authorization: '[redacted]',
        adminToken: '[redacted]',
        headers: { authorization: '[redacted]', cookie: '[redacted]' },
        config: { wechatAppsecret: '[redacted]', sessionSecret: '[redacted]', wechatAesKey: '[redacted]', metricsToken: '[redacted]', port: 3000 },
        orderId: 'o1',
      }),
    );
  });
});

describe('request id', () => {
  let bff: Awaited<ReturnType<typeof startBff>>;
  const { lines, logger } = linesOf();
  beforeAll(async () => {
    bff = await startBff({}, { logger });
  });
  afterAll(() => bff.close());

  it('echoes a well-formed X-Request-Id and puts it on the lines logged for the request', async () => {
    const res = await fetch(`${bff.origin}/wechat/callback?timestamp=1&nonce=2&signature=bad`, {
      method: 'POST',
      headers: { 'x-request-id': 'lb-1234.abcd' },
      body: '<xml/>',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toBe('lb-1234.abcd');
    expect(lines.filter((l) => l.req_id === 'lb-1234.abcd').map((l) => l.msg)).toContain('push refused');
  });

  it('makes one up when none, or a malformed one, is given; each request its own', async () => {
    const a = await fetch(`${bff.origin}/healthz`);
    const b = await fetch(`${bff.origin}/healthz`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    const ids = [a.headers.get('x-request-id'), b.headers.get('x-request-id')];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('leaves lines logged outside a request without one', () => {
    logger.info('outside');
    expect(lines.at(-1)).not.toHaveProperty('req_id');
  });
});
