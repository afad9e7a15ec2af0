import type { GiftCardDefinition } from '@giftcard/shared';
import { giftCard, shelf } from '../support/giftcards';
import { startAdmin, type TestAdmin } from './support';

const YEAR = 365 * 24 * 60 * 60;
const zh = (n: number) => '汉'.repeat(n);

type Card = GiftCardDefinition;
type BaseInfo = Card['general_card']['base_info'];

/**
 * Every documented limit, refused with 400 before WeChat is called: the sandbox counts the calls
 * each endpoint received, and a refused input must leave them at 0.
 */
describe('merchant API input limits: 400, WeChat never called', () => {
  let admin: TestAdmin;
  let card: Card;

  beforeAll(async () => {
    admin = await startAdmin();
    card = giftCard(admin.sandbox);
  });
  afterAll(async () => {
    await admin.close();
  });
  beforeEach(() => admin.world.calls.reset());

  const withBase = (patch: Partial<Record<keyof BaseInfo, unknown>>): unknown => ({
    ...card,
    general_card: { ...card.general_card, base_info: { ...card.general_card.base_info, ...patch } },
  });
  const withCard = (patch: Record<string, unknown>): unknown => ({ ...card, general_card: { ...card.general_card, ...patch } });
  const withoutBase = (field: keyof BaseInfo): unknown => {
    const { [field]: _, ...base } = card.general_card.base_info;
    return { ...card, general_card: { ...card.general_card, base_info: base } };
  };

  async function refused(method: string, path: string, body: unknown, endpoint: string, issuePath?: string) {
    const r = await admin.call(method, path, body);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_request', message: expect.any(String) });
    expect(r.body.error.issues.length).toBeGreaterThan(0);
    if (issuePath) expect(r.body.error.issues.map((i: { path: string }) => i.path)).toContain(issuePath);
    expect(admin.world.calls.get(endpoint)).toBe(0);
    expect(admin.wechatCalls()).toEqual({});
    return r.body.error;
  }

  describe('gift card (002 §6.3)', () => {
    const create = (body: unknown, issuePath?: string) => refused('POST', '/cards', body, 'giftcard.createCard', issuePath);

    it('accepts every text exactly at its limit', async () => {
      const r = await admin.post('/cards', withBase({ title: zh(9), brand_name: zh(12), notice: zh(12), description: zh(1000) }));
      expect(r.status).toBe(200);
      expect(admin.world.calls.get('giftcard.createCard')).toBe(1);
    });

    it('title ≤ 9 Chinese characters (18 letters)', async () => {
      await create(withBase({ title: zh(10) }), 'card.general_card.base_info.title');
      await create(withBase({ title: 'a'.repeat(19) }), 'card.general_card.base_info.title');
      await create(withBase({ title: '' }), 'card.general_card.base_info.title');
      expect(admin.world.calls.get('giftcard.createCard')).toBe(0);
    });

    it('brand_name ≤ 12 Chinese characters', async () => {
      await create(withBase({ brand_name: zh(13) }), 'card.general_card.base_info.brand_name');
    });

    it('notice ≤ 12 Chinese characters', async () => {
      await create(withBase({ notice: zh(13) }), 'card.general_card.base_info.notice');
    });

    it('description ≤ 1000 Chinese characters', async () => {
      await create(withBase({ description: zh(1001) }), 'card.general_card.base_info.description');
    });

    it('custom_url_name ≤ 5 and custom_url_sub_title ≤ 6 Chinese characters', async () => {
      await create(withBase({ custom_url_name: zh(6) }), 'card.general_card.base_info.custom_url_name');
      await create(withBase({ custom_url_sub_title: zh(7) }), 'card.general_card.base_info.custom_url_sub_title');
    });

    it('color from Color010 to Color100', async () => {
      for (const color of ['Color000', 'Color005', 'Color015', 'Color110', 'Color1000', 'red', '#FF0000']) {
        await create(withBase({ color }), 'card.general_card.base_info.color');
      }
      for (const color of ['Color010', 'Color050', 'Color100']) expect((await admin.post('/cards', withBase({ color }))).status).toBe(200);
    });

    it('prices in fen: whole, non-negative numbers', async () => {
      await create(withBase({ giftcard_info: { price: 99.5 } }), 'card.general_card.base_info.giftcard_info.price');
      await create(withBase({ giftcard_info: { price: -1 } }), 'card.general_card.base_info.giftcard_info.price');
      await create(withBase({ giftcard_info: { price: '100' } }), 'card.general_card.base_info.giftcard_info.price');
      await create(withBase({ giftcard_info: {} }), 'card.general_card.base_info.giftcard_info.price');
      await create(withCard({ init_balance: 0.01 }), 'card.general_card.init_balance');
    });

    it('date_info: one of the three types, each with its own fields', async () => {
      const p = 'card.general_card.base_info.date_info';
      await create(withBase({ date_info: { type: 'DATE_TYPE_FOREVER' } }), `${p}.type`);
      await create(withBase({ date_info: { type: 'DATE_TYPE FIX_TERM', fixed_term: 30, fixed_begin_term: 0 } }), `${p}.type`);
      await create(withBase({ date_info: { type: 'DATE_TYPE_FIX_TERM', fixed_begin_term: 0 } }), `${p}.fixed_term`);
      await create(withBase({ date_info: { type: 'DATE_TYPE_FIX_TERM', fixed_term: -1, fixed_begin_term: 0 } }), `${p}.fixed_term`);
      await create(withBase({ date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: 1.5, end_timestamp: 2 } }), `${p}.begin_timestamp`);
      await create(withBase({ date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: 1 } }), `${p}.end_timestamp`);
      await create(withoutBase('date_info'), p);
      for (const date_info of [{ type: 'DATE_TYPE_PERMANENT' }, { type: 'DATE_TYPE_FIX_TERM', fixed_term: 30, fixed_begin_term: 0 }]) {
        expect((await admin.post('/cards', withBase({ date_info }))).status).toBe(200);
      }
    });

    it('custom cells: supply_balance and custom_field1..3, at most three', async () => {
      const cell = { name: '说明', url: 'https://example.com' };
      await create(withCard({ supply_balance: true, custom_field1: cell, custom_field2: cell, custom_field3: cell }), 'card.general_card.custom_field3');
      await create(withCard({ custom_field1: { url: 'https://example.com' } }), 'card.general_card.custom_field1.name');
      expect((await admin.post('/cards', withCard({ supply_balance: false, custom_field1: cell, custom_field2: cell, custom_field3: cell }))).status).toBe(200);
    });

    it('a field the spec does not show is refused with its name, never dropped', async () => {
      const err = await create(withBase({ use_all_location: true } as never), 'card.general_card.base_info');
      expect(JSON.stringify(err.issues)).toContain('use_all_location');
      await create(withCard({ groupon_extra: 1 }), 'card.general_card');
      await create({ ...card, extra: 1 }, 'card');
    });

    it('use_all_locations is required (002 §6.3 table: "yes")', async () => {
      await create(withoutBase('use_all_locations'), 'card.general_card.base_info.use_all_locations');
      await create(withBase({ use_all_locations: 'false' }), 'card.general_card.base_info.use_all_locations');
    });

    it('the other documented fields: sub_card_type GIFT_CARD, code_type, get_limit 0, Mini Program user names', async () => {
      await create(withCard({ sub_card_type: 'VOUCHER' }), 'card.general_card.sub_card_type');
      await create({ ...card, card_type: 'MEMBER_CARD' }, 'card.card_type');
      await create(withBase({ code_type: 'CODE_TYPE_NONE' }), 'card.general_card.base_info.code_type');
      await create(withBase({ get_limit: 1 }), 'card.general_card.base_info.get_limit');
      await create(withBase({ center_app_brand_user_name: 'gh_86a091e50ad4' }), 'card.general_card.base_info.center_app_brand_user_name');
      await create(withBase({ sub_merchant_info: { merchant_id: 0 } }), 'card.general_card.base_info.sub_merchant_info.merchant_id');
    });
  });

  describe('shelves, pay, wxa (002 §7, §8)', () => {
    it('a shelf needs its fields, a theme at least one card and one face, category_index within category_list', async () => {
      await refused('POST', '/shelves', shelf([]), 'giftcard.addPage', 'page.theme_list.0.item_list');
      await refused('POST', '/shelves', { ...shelf(['pCard']), theme_list: [] }, 'giftcard.addPage', 'page.theme_list');
      await refused('POST', '/shelves', { ...shelf(['pCard']), category_list: [{ title: '节日' }] }, 'giftcard.addPage', 'page.theme_list');
      const { banner_pic_url: _, ...noBanner } = shelf(['pCard']);
      await refused('POST', '/shelves', noBanner, 'giftcard.addPage', 'page.banner_pic_url');
      await refused('PUT', '/shelves/p1', { theme_list: [] }, 'giftcard.getPage', 'theme_list');
      await refused('PUT', '/shelves/p1', { banner: 'http://mmbiz.qpic.cn/b' }, 'giftcard.getPage');
    });

    it('maintain: one shelf or all, and maintain true/false', async () => {
      await refused('POST', '/shelves/maintain', { page_id: 'p1', all: true, maintain: true }, 'giftcard.setMaintain');
      await refused('POST', '/shelves/maintain', { page_id: 'p1' }, 'giftcard.setMaintain');
      await refused('POST', '/shelves/maintain', { all: false, maintain: true }, 'giftcard.setMaintain');
    });

    it('sub_mch_id is a WeChat Pay merchant number; wxa_appid a Mini Program appid', async () => {
      await refused('POST', '/pay/whitelist', { sub_mch_id: 'mch-12' }, 'giftcard.addPayWhitelist', 'sub_mch_id');
      await refused('POST', '/pay/bind', { sub_mch_id: '1900000109', wxa_appid: 'not-an-appid' }, 'giftcard.bindPaySubMch', 'wxa_appid');
      await refused('POST', '/wxa', { wxa_appid: 'wx1234567890', page_id: '' }, 'giftcard.setWxa', 'page_id');
    });
  });

  describe('products and anti-counterfeit codes (spec 000)', () => {
    it('products list: limit ≥ 1 (no upper bound: the spec states none), offset ≥ 0, a known status', async () => {
      await refused('GET', '/products?limit=0', undefined, 'scan.listProducts', 'limit');
      await refused('GET', '/products?offset=-1', undefined, 'scan.listProducts', 'offset');
      await refused('GET', '/products?status=gone', undefined, 'scan.listProducts', 'status');
      expect((await admin.call('GET', '/products?limit=1000')).status).toBe(200);
    });

    it('the product key: keystandard ≤ 32, keystr ≤ 128; update needs brand_info; clearing a record needs extinfo', async () => {
      await refused('GET', `/products/${'e'.repeat(33)}/1`, undefined, 'scan.getProduct', 'keystandard');
      await refused('GET', `/products/ean13/${'1'.repeat(129)}`, undefined, 'scan.getProduct', 'keystr');
      await refused('PUT', '/products/ean13/1', {}, 'scan.updateProduct', 'brand_info');
      await refused('POST', '/products/ean13/1/scan-records/clear', {}, 'scan.clearScanRecord', 'extinfo');
    });

    it('codes import: result real|fake|not_active, 1..10,000 codes, extinfo ≤ 128', async () => {
      const path = '/products/ean13/6900000000009/codes';
      const count = () => admin.db.redis.hlen(admin.db.keys.antiCounterfeit('ean13', '6900000000009'));
      await refused('POST', path, { codes: [{ extinfo: 'a', result: 'maybe' }] }, 'scan.getProduct', 'codes.0.result');
      await refused('POST', path, { codes: [] }, 'scan.getProduct', 'codes');
      await refused('POST', path, { codes: Array.from({ length: 10_001 }, (_, i) => ({ extinfo: `c${i}`, result: 'real' })) }, 'scan.getProduct', 'codes');
      await refused('POST', path, { codes: [{ extinfo: 'x'.repeat(129), result: 'real' }] }, 'scan.getProduct', 'codes.0.extinfo');
      await refused('POST', `${path}/delete`, { extinfos: [] }, 'scan.getProduct', 'extinfos');
      expect(await count()).toBe(0);
      const ok = await admin.post(path, { codes: Array.from({ length: 10_000 }, (_, i) => ({ extinfo: `c${i}`, result: 'real' })) });
      expect(ok.body).toEqual({ imported: 10_000, total: 10_000 });
    });
  });

  describe('orders and codes (002 §9, §11)', () => {
    it('orders export: whole seconds, end_time not before begin_time', async () => {
      await refused('POST', '/orders/export', { begin_time: 100, end_time: 99 }, 'order.batchGetOrders', 'end_time');
      await refused('POST', '/orders/export', { begin_time: 1.5, end_time: 99 }, 'order.batchGetOrders', 'begin_time');
      await refused('POST', '/orders/export', { begin_time: 1 }, 'order.batchGetOrders', 'end_time');
      await refused('POST', '/orders/export', { begin_time: 1, end_time: 2, sort_type: 'RANDOM' }, 'order.batchGetOrders', 'sort_type');
    });

    it('balance: balance in fen ≥ 0, not with add_balance; record_balance ≤ 14 Chinese; custom_field_value ≤ 4 characters and 12 bytes', async () => {
      const path = '/codes/123456789012/balance';
      await refused('POST', path, { card_id: 'p1', balance: -1 }, 'code.updateUserBalance', 'balance');
      await refused('POST', path, { card_id: 'p1', balance: 10.5 }, 'code.updateUserBalance', 'balance');
      await refused('POST', path, { card_id: 'p1', balance: 100, add_balance: -1 }, 'code.updateUserBalance', 'add_balance');
      await refused('POST', path, { card_id: 'p1', add_balance: -1, record_balance: zh(15) }, 'code.updateUserBalance', 'record_balance');
      await refused('POST', path, { card_id: 'p1', custom_field_value1: '五个汉字啊' }, 'code.updateUserBalance', 'custom_field_value1');
      await refused('POST', path, { card_id: 'p1', custom_field_value2: 'abcde' }, 'code.updateUserBalance', 'custom_field_value2');
      await refused('POST', path, { add_balance: 1 }, 'code.updateUserBalance', 'card_id');
    });

    it('a code is 1..64 characters', async () => {
      await refused('GET', `/codes/${'9'.repeat(65)}`, undefined, 'code.getCode', 'code');
      await refused('POST', `/codes/${'9'.repeat(65)}/consume`, {}, 'code.consumeCode', 'code');
      await refused('POST', '/codes/decrypt', {}, 'code.decryptCode', 'encrypt_code');
    });
  });

  describe('invoicing (002 §12.2.2) and sub-merchants (003 §1)', () => {
    it('invoice settings: switches 0 or 1, custom field names ≤ 5 Chinese characters, pay merchant fields present', async () => {
      await refused('PUT', '/invoice/auth-field', { user_field: { show_phone: 2 }, biz_field: {} }, 'invoice.setAuthField', 'auth_field.user_field.show_phone');
      await refused('PUT', '/invoice/auth-field', { user_field: { custom_field: [{ key: zh(6) }] }, biz_field: {} }, 'invoice.setAuthField', 'auth_field.user_field.custom_field.0.key');
      await refused('PUT', '/invoice/pay-mch', { mchid: '1234' }, 'invoice.setPayMch', 'paymch_info.s_pappid');
      await refused('GET', '/invoice/orders/O1/auth', undefined, 'invoice.getAuthData', 's_pappid');
    });

    it('sub-merchant: brand_name ≤ 12 Chinese, logo_url ≤ 128, protocol ≤ 36, end_time required, ids numeric', async () => {
      const info = {
        brand_name: '兰州拉面',
        logo_url: 'http://mmbiz.qpic.cn/logo.png',
        protocol: 'media_id_protocol_1',
        end_time: admin.world.clock.now() + YEAR,
        primary_category_id: 1,
        secondary_category_id: 101,
      };
      await refused('POST', '/submerchants', { ...info, brand_name: zh(13) }, 'submerchant.submit', 'info.brand_name');
      await refused('POST', '/submerchants', { ...info, logo_url: `http://x/${'l'.repeat(120)}` }, 'submerchant.submit', 'info.logo_url');
      await refused('POST', '/submerchants', { ...info, protocol: 'p'.repeat(37) }, 'submerchant.submit', 'info.protocol');
      const { end_time: _, ...noEnd } = info;
      await refused('POST', '/submerchants', noEnd, 'submerchant.submit', 'info.end_time');
      await refused('PUT', '/submerchants/abc', info, 'submerchant.update', 'info.merchant_id');
      await refused('GET', '/submerchants/abc', undefined, 'submerchant.get', 'merchant_id');
      await refused('GET', '/submerchants?status=SLEEPING', undefined, 'submerchant.batchGet', 'status');
    });
  });
});
