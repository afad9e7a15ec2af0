import { WECHAT_ERROR_CODES, wechatApi, type EndpointDef } from '../src';

describe('the endpoint tables', () => {
  const all = Object.entries(wechatApi).flatMap(([area, table]) =>
    Object.entries(table as Record<string, EndpointDef>).map(([name, ep]) => ({ id: `${area}.${name}`, ep })),
  );

  it('cover every endpoint of the spec and the credential endpoints', () => {
    const paths = new Set(all.map(({ ep }) => `${ep.path}${ep.query ? `?action=${ep.query.action}` : ''}`));
    for (const p of [
      '/cgi-bin/token', '/cgi-bin/stable_token', '/sns/jscode2session',
      '/scan/product/get', '/scan/product/getlist', '/scan/product/update', '/scan/product/clear', '/scan/scanticket/check',
      '/card/create', '/card/giftcard/page/add', '/card/giftcard/page/get', '/card/giftcard/page/update', '/card/giftcard/page/batchget',
      '/card/giftcard/maintain/set', '/card/giftcard/pay/whitelist/add', '/card/giftcard/pay/submch/bind', '/card/giftcard/wxa/set',
      '/card/giftcard/order/get', '/card/giftcard/order/batchget', '/card/giftcard/order/refund',
      '/card/generalcard/updateuser', '/card/code/consume', '/card/code/get', '/card/code/decrypt',
      '/card/invoice/setbizattr?action=set_pay_mch', '/card/invoice/setbizattr?action=get_pay_mch',
      '/card/invoice/setbizattr?action=set_auth_field', '/card/invoice/setbizattr?action=get_auth_field', '/card/invoice/getauthdata',
      '/card/submerchant/submit', '/card/submerchant/update', '/card/submerchant/get', '/card/submerchant/batchget', '/card/getapplyprotocol',
    ]) {
      expect(paths).toContain(p);
    }
  });

  it('name only error codes the catalogue explains', () => {
    for (const { id, ep } of all) {
      for (const code of ep.errors) expect([id, code, code in WECHAT_ERROR_CODES]).toEqual([id, code, true]);
    }
  });

  it('cite the spec section of each endpoint', () => {
    for (const { ep } of all) expect(ep.spec.length).toBeGreaterThan(3);
  });
});
