import { DEMO_WECHAT_ACCOUNT } from '@giftcard/shared';
import { sandboxSettings } from '../src/main';

/** `pnpm sandbox`'s settings: a value given in the environment wins over the demo account's. */
describe('pnpm sandbox settings', () => {
  it('listens on 127.0.0.1:3100 as the demo account, pushing nowhere, unless told', () => {
    const s = sandboxSettings({});
    expect(s).toMatchObject({ port: 3100, host: '127.0.0.1' });
    expect(s.config.serviceAccount).toEqual(DEMO_WECHAT_ACCOUNT.serviceAccount);
    expect(s.config.miniProgram).toEqual(DEMO_WECHAT_ACCOUNT.miniProgram);
    expect(s.config.callback).toBeUndefined();
  });

  it('plays the account the BFF settings name and pushes to SANDBOX_CALLBACK_URL with its token and key', () => {
    const aesKey = 'a'.repeat(43);
    const s = sandboxSettings({
      SANDBOX_PORT: '3200',
      WECHAT_APPID: 'wx_mine',
      WXA_APPID: 'wxa_mine',
      SANDBOX_CALLBACK_URL: 'http://127.0.0.1:3000/wechat/callback',
      WECHAT_AES_KEY: aesKey,
    });
    expect(s.port).toBe(3200);
    expect(s.config.serviceAccount).toMatchObject({ appid: 'wx_mine', secret: DEMO_WECHAT_ACCOUNT.serviceAccount.secret });
    expect(s.config.miniProgram.appid).toBe('wxa_mine');
    expect(s.config.callback).toEqual({ url: 'http://127.0.0.1:3000/wechat/callback', token: DEMO_WECHAT_ACCOUNT.token, aesKey });
  });

  it.each([
    ['SANDBOX_PORT', 'x'],
    ['SANDBOX_PORT', '70000'],
    ['SANDBOX_CALLBACK_URL', 'ftp://x'],
    ['WECHAT_TOKEN', 'x'],
    ['WECHAT_AES_KEY', 'short'],
  ])('a wrong %s is refused, naming it', (name, value) => {
    expect(() => sandboxSettings({ SANDBOX_CALLBACK_URL: 'http://127.0.0.1:3000/wechat/callback', [name]: value })).toThrow(`Invalid setting ${name}`);
  });
});
