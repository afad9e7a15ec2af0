import { isWechatError } from '../../src/wechat';
import { useSandboxWechat } from '../support/wechat';

/** Spec 000 through the real client, over HTTP, against the sandbox. */
describe('scan products (spec 000)', () => {
  const t = useSandboxWechat();
  const product = { keystandard: 'ean13', keystr: '6900873042720' };

  beforeEach(async () => {
    await t.sandbox.control('products', {
      ...product,
      category_id: 537117576,
      category_name: 'Fruit puree',
      brand_info: { base_info: { title: 'Scan Dynamic Homepage Demo', retail_price: '12.30' }, detail_info: { detail_list: [{ title: 'Product Name', desc: 'Frame' }] } },
    });
  });

  it('gets a product with its review status', async () => {
    const res = await t.wechat.client.scan.getProduct(product);
    expect(res.brand_info.base_info).toMatchObject({ title: 'Scan Dynamic Homepage Demo', retail_price: '12.30', status: 'check' });
    expect(res.brand_info.detail_info?.detail_list?.[0]).toEqual({ title: 'Product Name', desc: 'Frame' });
  });

  it('refuses update and clear while the product is under review, allows them once reviewed', async () => {
    const update = { ...product, brand_info: { action_info: { action_list: [{ type: 'text', text: 'hello' }] } } };
    await expect(t.wechat.client.scan.updateProduct(update)).rejects.toMatchObject({ kind: 'api', errcode: 40097, endpoint: '/scan/product/update' });
    await expect(t.wechat.client.scan.clearProduct(product)).rejects.toMatchObject({ errcode: 40097 });
    await t.sandbox.control('products/review', { ...product, pass: true });
    const updated = await t.wechat.client.scan.updateProduct(update);
    expect(updated.pid).toMatch(/^pid_/);
    // An update of a published product goes back to review.
    expect((await t.wechat.client.scan.getProduct(product)).brand_info.base_info?.status).toBe('check');
  });

  it('lists products by status and keystr, paged', async () => {
    await t.sandbox.control('products', { keystandard: 'ean13', keystr: '6900000000001', status: 'on' });
    await t.sandbox.control('products', { keystandard: 'qrcode', keystr: 'cosmetics1', status: 'on' });
    const on = await t.wechat.client.scan.listProducts({ offset: 0, limit: 10, status: 'on' });
    expect(on.total).toBe(2);
    expect(on.key_list.map((p) => p.keystr)).toEqual(['6900000000001', 'cosmetics1']);
    const page2 = await t.wechat.client.scan.listProducts({ offset: 1, limit: 1, status: 'all' });
    expect(page2).toMatchObject({ total: 3, key_list: [{ keystr: '6900000000001' }] });
    // The spec's own example sends offset/limit as strings: accepted.
    const byKey = await t.wechat.client.scan.listProducts({ offset: '0', limit: '10', keystr: '690' });
    expect(byKey.key_list.map((p) => p.keystr)).toEqual(['6900873042720', '6900000000001']);
  });

  it('takes any limit: the spec states none (000 §1.2)', async () => {
    await t.sandbox.control('products', { keystandard: 'ean13', keystr: '6900000000001', status: 'on' });
    const all = await t.wechat.client.scan.listProducts({ offset: 0, limit: 1000, status: 'all' });
    expect(all.key_list).toHaveLength(2);
    const token = await t.wechat.tokens.get();
    expect(await t.sandbox.raw('/scan/product/getlist', { offset: 0, limit: 500 }, token)).toMatchObject({ errcode: 0, total: 2 });
    expect(await t.sandbox.raw('/scan/product/getlist', { offset: 0 }, token)).toMatchObject({ errcode: 40097 });
  });

  it('checks a wxticket for 20 minutes only', async () => {
    const { ticket } = await t.sandbox.control<{ ticket: string }>('products/scan', { ...product, openid: 'o_user_a', extinfo: 'batch7' });
    await expect(t.wechat.client.scan.checkTicket({ ticket })).resolves.toMatchObject({ ...product, openid: 'o_user_a', is_check: true, is_contact: false });
    await t.sandbox.control('clock/advance', { seconds: 20 * 60 + 1 });
    const err = await t.wechat.client.scan.checkTicket({ ticket }).catch((e) => e);
    expect(isWechatError(err, 40097)).toBe(true);
    expect(err.errmsg).toMatch(/expired/);
  });

  it('clears a scan record at the path the spec documents, told apart from a ticket check by its body', async () => {
    await t.sandbox.control('products/scan', { ...product, openid: 'o_user_a', extinfo: 'batch7' });
    expect(t.sandbox.world.scan.scanCount(product.keystandard, product.keystr, 'batch7')).toBe(1);
    await t.wechat.client.scan.clearScanRecord({ ...product, extinfo: 'batch7' });
    expect(t.sandbox.world.scan.scanCount(product.keystandard, product.keystr, 'batch7')).toBe(0);
    expect(t.sandbox.world.calls.get('scan.clearScanRecord')).toBe(1);
    expect(t.sandbox.world.calls.get('scan.checkTicket')).toBe(0);
    await expect(t.wechat.client.scan.clearScanRecord({ ...product, extinfo: 'batch7' })).rejects.toMatchObject({ errcode: 40097 });
  });

  it('answers WeChat errors for a bad body, a missing token and an overlong field', async () => {
    const token = await t.wechat.tokens.get();
    expect(await t.sandbox.raw('/scan/product/get', product)).toMatchObject({ errcode: 41001 });
    expect(await t.sandbox.raw('/scan/product/get', product, 'not-a-token')).toMatchObject({ errcode: 40001 });
    expect(await t.sandbox.raw('/scan/product/get', { keystandard: 'ean13' }, token)).toMatchObject({ errcode: 40097 });
    expect(await t.sandbox.raw('/scan/product/get', { ...product, keystr: 'x'.repeat(129) }, token)).toMatchObject({ errcode: 45021 });
    const res = await fetch(`${t.sandbox.apiBase}/scan/product/get?access_token=${token}`, { method: 'POST', body: '{"a":' });
    expect(await res.json()).toMatchObject({ errcode: 47001 });
  });

  it('checks requests before WeChat is called', async () => {
    const err = await t.wechat.client.scan.getProduct({ keystandard: 'ean13', keystr: '' }).catch((e) => e);
    expect(err).toMatchObject({ kind: 'invalid_request', endpoint: '/scan/product/get', errcode: null });
    expect(t.sandbox.world.calls.get('scan.getProduct')).toBe(0);
  });
});
