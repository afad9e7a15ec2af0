import { ConfigError, generatedSecrets, loadConfig } from '../src/config';

const production = {
  WECHAT_APPID: 'wx1234567890',
  WECHAT_APPSECRET: 'secret',
  WECHAT_TOKEN: 'token123',
  WXA_APPID: 'wxmini',
  WXA_SECRET: 'minisecret',
  ADMIN_TOKEN: 'a'.repeat(20),
  SESSION_SECRET: 's'.repeat(40),
};

describe('settings', () => {
  it('takes the contract defaults', () => {
    const c = loadConfig(production);
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', redisUrl: 'redis://127.0.0.1:6379/0', redisPrefix: 'gc:', wechatApiBase: 'https://api.weixin.qq.com', sandbox: false });
    expect(c.generated).toEqual([]);
    expect(c).toMatchObject({ projectionMaxAgeS: 60, refundPolicy: 'unused' });
  });

  it('takes a projection age (0: re-read on every list, bounded) and the refund policy', () => {
    expect(loadConfig({ ...production, PROJECTION_MAX_AGE_S: '0', REFUND_POLICY: 'any' })).toMatchObject({ projectionMaxAgeS: 0, refundPolicy: 'any' });
    expect(loadConfig({ ...production, PROJECTION_MAX_AGE_S: '300' }).projectionMaxAgeS).toBe(300);
  });

  it('takes the merchant webhook settings with the contract defaults', () => {
    expect(loadConfig(production).merchantWebhook).toBeUndefined();
    const secret = 'x'.repeat(32);
    expect(loadConfig({ ...production, MERCHANT_WEBHOOK_URL: 'https://merchant.example/hooks', MERCHANT_WEBHOOK_SECRET: secret }).merchantWebhook).toEqual({
      url: 'https://merchant.example/hooks',
      secret,
      retryMs: 1000,
      giveUpS: 86400,
      timeoutMs: 10_000,
    });
    expect(
      loadConfig({ ...production, MERCHANT_WEBHOOK_URL: 'http://127.0.0.1:9/h', MERCHANT_WEBHOOK_SECRET: secret, MERCHANT_WEBHOOK_RETRY_MS: '50', MERCHANT_WEBHOOK_GIVE_UP_S: '2', MERCHANT_WEBHOOK_TIMEOUT_MS: '500' })
        .merchantWebhook,
    ).toMatchObject({ retryMs: 50, giveUpS: 2, timeoutMs: 500 });
  });

  it.each([
    [{ MERCHANT_WEBHOOK_URL: 'https://m.example/h' }, 'MERCHANT_WEBHOOK_SECRET'],
    [{ MERCHANT_WEBHOOK_URL: 'https://m.example/h', MERCHANT_WEBHOOK_SECRET: 'short' }, 'MERCHANT_WEBHOOK_SECRET'],
    [{ MERCHANT_WEBHOOK_URL: 'ftp://m.example/h', MERCHANT_WEBHOOK_SECRET: 'x'.repeat(32) }, 'MERCHANT_WEBHOOK_URL'],
    [{ MERCHANT_WEBHOOK_RETRY_MS: '0' }, 'MERCHANT_WEBHOOK_RETRY_MS'],
    [{ MERCHANT_WEBHOOK_RETRY_MS: 'soon' }, 'MERCHANT_WEBHOOK_RETRY_MS'],
    [{ MERCHANT_WEBHOOK_GIVE_UP_S: '0' }, 'MERCHANT_WEBHOOK_GIVE_UP_S'],
    [{ MERCHANT_WEBHOOK_TIMEOUT_MS: '20000' }, 'MERCHANT_WEBHOOK_TIMEOUT_MS'],
  ])('refuses webhook settings %j, naming %s', (env, name) => {
    expect(() => loadConfig({ ...production, ...env })).toThrow(new RegExp(`Invalid setting ${name}`));
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['REDIS_URL', 'http://x'],
    ['REDIS_PREFIX', 'has space'],
    ['REDIS_PREFIX', '{gc:'],
    ['REDIS_PREFIX', '{a}{b}:'],
    ['REDIS_PREFIX', 'x'.repeat(65)],
    ['EVENTS_TRIM_EVERY_MS', '10'],
    ['EVENTS_TRIM_EVERY_MS', 'often'],
    ['PROJECTION_MAX_AGE_S', '-1'],
    ['PROJECTION_MAX_AGE_S', '1.5'],
    ['PROJECTION_MAX_AGE_S', 'soon'],
    ['PROJECTION_MAX_AGE_S', '86401'],
    ['REFUND_POLICY', 'never'],
    ['WECHAT_AES_KEY', 'short'],
    ['WECHAT_TOKEN', 'x'],
    ['SANDBOX', 'yes'],
    ['ADMIN_TOKEN', 'short'],
    ['WECHAT_API_BASE', 'ftp://x'],
    ['SANDBOX_URL', 'ftp://x'],
    ['SANDBOX_PORT', '0'],
    ['SANDBOX_PORT', 'x'],
  ])('a wrong %s stops start-up with a message naming it', (name, value) => {
    const err = (() => {
      try {
        loadConfig({ ...production, [name]: value });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).setting).toBe(name);
    expect((err as Error).message).toContain(`Invalid setting ${name}`);
  });

  it('requires WeChat credentials outside the sandbox', () => {
    const { WECHAT_APPSECRET: _omit, ...rest } = production;
    expect(() => loadConfig(rest)).toThrow(/WECHAT_APPSECRET: is required/);
  });

  it('fills sandbox demo values, and a setting given in the environment wins', () => {
    const c = loadConfig({ SANDBOX: '1', PORT: '4000', WECHAT_APPID: 'wx_mine' });
    expect(c.sandbox).toBe(true);
    expect(c.wechatApiBase).toBe('http://127.0.0.1:4000/sandbox');
    expect(c.wechatAppid).toBe('wx_mine');
    expect(c.generated).toEqual(expect.arrayContaining(['WECHAT_APPSECRET', 'ADMIN_TOKEN', 'SESSION_SECRET']));
    expect(c.generated).not.toContain('WECHAT_APPID');
    expect(c.adminToken.length).toBeGreaterThanOrEqual(16);
  });

  it('points SANDBOX=1 at the sandbox running apart: SANDBOX_URL, else loopback at SANDBOX_PORT (3100)', () => {
    expect(loadConfig({ SANDBOX: '1' }).sandboxUrl).toBe('http://127.0.0.1:3100');
    expect(loadConfig({ SANDBOX: '1', SANDBOX_PORT: '3200' }).sandboxUrl).toBe('http://127.0.0.1:3200');
    expect(loadConfig({ SANDBOX: '1', SANDBOX_URL: 'http://sandbox.internal:3100/' }).sandboxUrl).toBe('http://sandbox.internal:3100');
    expect(() => loadConfig({ SANDBOX: '1', SANDBOX_URL: 'http://127.0.0.1:3100/sandbox' })).toThrow(/SANDBOX_URL: must be the sandbox's origin only/);
    // Not in sandbox mode: nothing is proxied, whatever SANDBOX_URL says.
    expect(loadConfig({ ...production, SANDBOX_URL: 'http://127.0.0.1:3100' }).sandboxUrl).toBeUndefined();
  });

  it('hands the secrets it made up to the workers (WORKERS>1), none that were given', () => {
    const c = loadConfig({ SANDBOX: '1', ADMIN_TOKEN: 'given-admin-token-0000' });
    const secrets = generatedSecrets(c);
    expect(Object.keys(secrets).sort()).toEqual(['METRICS_TOKEN', 'SESSION_SECRET']);
    expect(loadConfig({ SANDBOX: '1', ...secrets, ADMIN_TOKEN: 'given-admin-token-0000' })).toMatchObject({ sessionSecret: c.sessionSecret, metricsToken: c.metricsToken });
  });

  it('takes a hash-tagged REDIS_PREFIX (Redis Cluster) and a trim interval; trimming is off unless set', () => {
    expect(loadConfig(production).eventsTrimEveryMs).toBeUndefined();
    const c = loadConfig({ ...production, REDIS_PREFIX: '{gc}:', EVENTS_TRIM_EVERY_MS: '60000' });
    expect(c).toMatchObject({ redisPrefix: '{gc}:', eventsTrimEveryMs: 60000 });
  });

  it('accepts a valid EncodingAESKey and a Redis cluster', () => {
    const c = loadConfig({ ...production, WECHAT_AES_KEY: 'a'.repeat(43), REDIS_URL: 'redis+cluster://h1:7000,h2:7001' });
    expect(c.wechatAesKey).toHaveLength(43);
    expect(c.redisUrl).toBe('redis+cluster://h1:7000,h2:7001');
  });
});

describe('H5_DIR', () => {
  it('is unset by default, a built app directory when given, and refused when it holds no index.html', () => {
    const { mkdtempSync, writeFileSync, rmSync } = require('node:fs') as typeof import('node:fs');
    const dir = mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'gc-h5-'));
    try {
      expect(loadConfig(production).h5Dir).toBeUndefined();
      expect(() => loadConfig({ ...production, H5_DIR: dir })).toThrow(new ConfigError('H5_DIR', `${dir} has no index.html (build it: pnpm build)`));
      writeFileSync(`${dir}/index.html`, '<!doctype html>');
      expect(loadConfig({ ...production, H5_DIR: dir }).h5Dir).toBe(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
