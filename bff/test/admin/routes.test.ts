import { wechatApi, type GiftCardDefinition } from '@giftcard/shared';
import { ADMIN_OPERATIONS, NOT_MERCHANT_OPERATIONS } from '../../src/admin/operations';
import { AntiCounterfeitRegistry } from '../../src/services/anti-counterfeit';
import { shelf } from '../support/giftcards';
import { startAdmin, type TestAdmin } from './support';
import { subMerchantInfo } from '../support/submerchants';

const DAY = 24 * 60 * 60;
const YEAR = 365 * DAY;

describe('the merchant API route table', () => {
  it('has a route for every WeChat endpoint a merchant uses, derived from the shared tables', () => {
    const reached = new Set(ADMIN_OPERATIONS.flatMap((o) => ('endpoint' in o.target ? [o.target.endpoint] : o.target.uses)));
    const all = Object.entries(wechatApi).flatMap(([area, table]) => Object.keys(table).map((m) => `${area}.${m}`));
    expect(all.filter((e) => !reached.has(e as never) && !NOT_MERCHANT_OPERATIONS.includes(e as never))).toEqual([]);
  });

  it("marks the code changes (balance, consume) to run under the till's lock on their code", () => {
    const serialised = ADMIN_OPERATIONS.filter((o) => o.serialise === 'code').map((o) => ('endpoint' in o.target ? o.target.endpoint : o.name));
    expect(serialised.sort()).toEqual(['code.consumeCode', 'code.updateUserBalance']);
  });

  it('names each operation and each method + path once', () => {
    const names = ADMIN_OPERATIONS.map((o) => `${o.area} ${o.name}`);
    const routes = ADMIN_OPERATIONS.map((o) => `${o.method} ${o.path}`);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(routes).size).toBe(routes.length);
  });
});

/** One test (at least) per route, through HTTP, against the sandbox and real Redis. */
describe('merchant API routes (/admin)', () => {
  let admin: TestAdmin;

  beforeAll(async () => {
    admin = await startAdmin();
  });
  afterAll(async () => {
    await admin.close();
  });
  beforeEach(() => admin.world.calls.reset());

  describe('products (spec 000) and anti-counterfeit codes', () => {
    const key = { keystandard: 'ean13', keystr: '6901234567890' };
    const path = `/products/${key.keystandard}/${key.keystr}`;
    beforeAll(() => {
      admin.world.scan.createProduct({ ...key, category_id: 11, category_name: '食品', status: 'on', brand_info: { base_info: { title: '矿泉水', brand_tag: '品牌' } } });
      admin.world.scan.createProduct({ keystandard: 'qrcode', keystr: 'other-1', category_id: 12, category_name: '', status: 'off', brand_info: {} });
    });

    it('GET /admin/products/:keystandard/:keystr → scan.getProduct', async () => {
      const r = await admin.get(path);
      expect(r.status).toBe(200);
      expect(r.body.brand_info.base_info).toMatchObject({ title: '矿泉水', status: 'on' });
      expect(r.body.errcode).toBeUndefined();
      expect(admin.world.calls.get('scan.getProduct')).toBe(1);
    });

    it('GET /admin/products?status&keystr&offset&limit → scan.listProducts', async () => {
      const all = await admin.get('/products');
      expect(all.status).toBe(200);
      expect(all.body.total).toBe(2);
      const on = await admin.get('/products?status=on&keystr=690&offset=0&limit=10');
      expect(on.body).toMatchObject({ total: 1, key_list: [{ ...key, status: 'on', category_id: 11 }] });
      const paged = await admin.get('/products?offset=1&limit=1');
      expect(paged.body.key_list).toHaveLength(1);
      expect(paged.body.key_list[0].keystr).toBe('other-1');
    });

    it('PUT /admin/products/:keystandard/:keystr → scan.updateProduct; DELETE refused under review (422), then clears', async () => {
      const updated = await admin.put(path, { brand_info: { base_info: { title: '新矿泉水' } } });
      expect(updated.status).toBe(200);
      expect(updated.body.pid).toEqual(expect.any(String));
      expect(admin.world.scan.product(key.keystandard, key.keystr).status).toBe('check');

      const refused = await admin.del(path);
      expect(refused.status).toBe(422);
      expect(refused.body.error).toMatchObject({ code: 'wechat_rejected', wechat: { errcode: 40097, errmsg: expect.stringContaining('under review') } });

      admin.world.scan.review(key.keystandard, key.keystr, true);
      const cleared = await admin.del(path);
      expect(cleared).toMatchObject({ status: 200, body: { ok: true } });
      expect(admin.world.scan.allProducts().map((p) => p.keystr)).toEqual(['other-1']);
    });

    it('POST /admin/products/:keystandard/:keystr/scan-records/clear → scan.clearScanRecord', async () => {
      admin.world.scan.scan('o_scanner', 'qrcode', 'other-1', 'item-0001');
      expect(admin.world.scan.scanCount('qrcode', 'other-1', 'item-0001')).toBe(1);
      const r = await admin.post('/products/qrcode/other-1/scan-records/clear', { extinfo: 'item-0001' });
      expect(r).toMatchObject({ status: 200, body: { ok: true } });
      expect(admin.world.scan.scanCount('qrcode', 'other-1', 'item-0001')).toBe(0);
      expect(admin.world.calls.get('scan.clearScanRecord')).toBe(1);
    });

    it('POST …/codes imports, …/codes/query reads, …/codes/delete removes: the registry the callback answers from', async () => {
      const registry = new AntiCounterfeitRegistry(admin.db.redis, admin.db.keys);
      const codes = Array.from({ length: 2500 }, (_, i) => ({ extinfo: `SN${String(i).padStart(6, '0')}`, result: i % 10 === 0 ? 'fake' : 'real' }));
      const imported = await admin.post('/products/ean13/6900000000001/codes', { codes });
      expect(imported).toMatchObject({ status: 200, body: { imported: 2500, total: 2500 } });
      expect(await registry.lookup('ean13', '6900000000001', 'SN000001')).toBe('real');
      expect(await registry.lookup('ean13', '6900000000001', 'SN000010')).toBe('fake');

      // Re-importing replaces a result; an unknown code reads not_active.
      await admin.post('/products/ean13/6900000000001/codes', { codes: [{ extinfo: 'SN000001', result: 'not_active' }] });
      const queried = await admin.post('/products/ean13/6900000000001/codes/query', { extinfos: ['SN000001', 'SN000010', 'SN000002', 'nope'] });
      expect(queried.body).toEqual({
        total: 2500,
        codes: [
          { extinfo: 'SN000001', result: 'not_active' },
          { extinfo: 'SN000010', result: 'fake' },
          { extinfo: 'SN000002', result: 'real' },
          { extinfo: 'nope', result: 'not_active' },
        ],
      });

      const deleted = await admin.post('/products/ean13/6900000000001/codes/delete', { extinfos: ['SN000002', 'nope'] });
      expect(deleted.body).toEqual({ deleted: 1, total: 2499 });
      expect(await registry.lookup('ean13', '6900000000001', 'SN000002')).toBe('not_active');
      expect(admin.wechatCalls()).toEqual({});
    });
  });

  describe('gift cards, shelves, pay, wxa (spec 002 §6–§8)', () => {
    let cardId: string;
    let pageId: string;

    /** §6.3 with every documented field. */
    function fullCard(merchantId?: number): GiftCardDefinition {
      const now = admin.world.clock.now();
      return {
        card_type: 'GENERAL_CARD',
        general_card: {
          sub_card_type: 'GIFT_CARD',
          background_pic_url: 'https://mmbiz.qlogo.cn/mmbiz/bg',
          base_info: {
            giftcard_info: { price: 10000 },
            logo_url: 'https://mmbiz.qlogo.cn/mmbiz/logo',
            max_give_friend_times: 1,
            code_type: 'CODE_TYPE_QRCODE',
            brand_name: '十二个汉字的品牌名称测试',
            title: '九个汉字的卡片标题',
            color: 'Color100',
            notice: '使用时向服务员出示此券',
            description: '不可与其他优惠同享'.repeat(100).slice(0, 1000),
            date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: now - DAY, end_timestamp: now + YEAR },
            sku: { quantity: 100 },
            service_phone: '020-88888888',
            location_id_list: [123, 456],
            use_all_locations: false,
            use_custom_code: false,
            bind_openid: false,
            can_share: true,
            can_give_friend: true,
            get_limit: 0,
            center_title: '立即使用',
            center_sub_title: '到店出示',
            center_url: 'https://example.com/use',
            center_app_brand_user_name: 'gh_86a091e50ad4@app',
            center_app_brand_pass: 'pages/use/index',
            custom_url_name: '余额查询',
            custom_url: 'https://example.com/balance',
            custom_url_sub_title: '随时查',
            custom_app_brand_user_name: 'gh_86a091e50ad4@app',
            custom_app_brand_pass: 'pages/balance/index',
            promotion_url_name: '更多优惠',
            promotion_url: 'https://example.com/promo',
            promotion_app_brand_user_name: 'gh_86a091e50ad4@app',
            promotion_app_brand_pass: 'pages/promo/index',
            need_push_on_view: false,
            ...(merchantId !== undefined && { sub_merchant_info: { merchant_id: merchantId } }),
          },
          advanced_info: { text_image_list: [{ image_url: 'https://mmbiz.qlogo.cn/mmbiz/detail', text: '详情' }] },
          auto_activate: true,
          supply_bonus: false,
          supply_balance: true,
          init_balance: 12000,
          prerogative: '持卡享受九折',
          custom_field1: { name: '使用说明', url: 'https://example.com/help' },
          custom_field2: { name: '门店', app_brand_user_name: 'gh_86a091e50ad4@app', app_brand_pass: 'pages/shops/index' },
          need_push_on_view: true,
        },
      };
    }

    it('POST /admin/cards → giftcard.createCard with every documented field', async () => {
      const card = fullCard();
      const r = await admin.post('/cards', card);
      expect(r.status).toBe(200);
      cardId = r.body.card_id;
      const stored = admin.world.cards.catalogue.find(cardId)!;
      expect(stored.definition).toEqual(card);
      expect(stored.initialBalance).toBe(12000);
    });

    it('POST /admin/cards for a sub-merchant: unknown is 404, not approved 409, approved 200', async () => {
      const unknown = await admin.post('/cards', fullCard(99999));
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toMatchObject({ code: 'not_found', wechat: { errcode: 40139 } });

      const sub = admin.world.submerchant.submit({
        brand_name: '子商户',
        logo_url: 'https://example.com/logo.png',
        protocol: 'media_protocol',
        end_time: admin.world.clock.now() + YEAR,
        primary_category_id: 1,
        secondary_category_id: 101,
      });
      const checking = await admin.post('/cards', fullCard(sub.merchant_id));
      expect(checking.status).toBe(409);
      expect(checking.body.error).toMatchObject({ code: 'conflict', wechat: { errcode: 40140 } });
      admin.world.submerchant.review(sub.merchant_id, true);
      expect((await admin.post('/cards', fullCard(sub.merchant_id))).status).toBe(200);
    });

    it('POST /admin/shelves → giftcard.addPage; GET /admin/shelves → batchGetPages; GET /admin/shelves/:page_id → getPage', async () => {
      const page = shelf([cardId]);
      const added = await admin.post('/shelves', page);
      expect(added.status).toBe(200);
      // page ids are base64 ('/', '+', '='): a path segment must be encoded.
      pageId = added.body.page_id;
      expect((await admin.get('/shelves')).body.page_id_list).toContain(added.body.page_id);
      const got = await admin.get(`/shelves/${encodeURIComponent(pageId)}`);
      expect(got.status).toBe(200);
      expect(got.body.page).toMatchObject({ page_title: page.page_title, banner_pic_url: page.banner_pic_url, cell_1: page.cell_1 });

      const unknownCard = await admin.post('/shelves', shelf(['pNoSuchCard']));
      expect(unknownCard.status).toBe(404);
      expect(unknownCard.body.error.wechat.errcode).toBe(40073);
    });

    it('PUT /admin/shelves/:page_id → giftcard.updatePage, every field', async () => {
      const update = {
        page_title: '新货架',
        support_multi: false,
        support_buy_for_self: true,
        banner_pic_url: 'http://mmbiz.qpic.cn/mmbiz_jpg/banner/1',
        theme_list: [
          {
            theme_pic_url: 'http://mmbiz.qpic.cn/mmbiz_jpg/theme/1',
            title: '春节',
            title_color: '#FF0000',
            item_list: [{ card_id: cardId, title: '春节卡', pic_url: 'http://mmbiz.qpic.cn/p', desc: '新年快乐' }],
            pic_item_list: [{ background_pic_url: 'http://mmbiz.qpic.cn/face', outer_img_id: 'f1', default_gifting_msg: '新年快乐' }],
            category_index: 0,
            show_sku_title_first: true,
            is_banner: false,
          },
        ],
        category_list: [{ title: '节日' }],
        address: '广州市',
        service_phone: '020-1',
        biz_description: '说明',
        need_receipt: true,
        cell_1: { title: '发票', url: 'https://example.com/invoice' },
        cell_2: { title: '退款', url: 'https://example.com/refund' },
      };
      const r = await admin.put(`/shelves/${encodeURIComponent(pageId)}`, update);
      expect(r).toMatchObject({ status: 200, body: { ok: true } });
      const { need_receipt: _, ...shown } = update;
      expect((await admin.get(`/shelves/${encodeURIComponent(pageId)}`)).body.page).toEqual(shown);
      expect((await admin.put('/shelves/nope', { page_title: 'x' })).body.error.wechat.errcode).toBe(40097);
    });

    it('PUT /admin/shelves/:page_id with one field keeps every other field, against a sandbox that requires the whole page', async () => {
      const page = shelf([cardId], { page_title: '一场改动', support_buy_for_self: false, need_receipt: true, category_list: [{ title: '生日' }] });
      page.theme_list[0]!.category_index = 0;
      const { page_id } = (await admin.post('/shelves', page)).body;
      const before = structuredClone(admin.world.cards.shelves.get(page_id).page);
      const r = await admin.put(`/shelves/${encodeURIComponent(page_id)}`, { banner_pic_url: 'http://mmbiz.qpic.cn/mmbiz_jpg/banner/new' });
      expect(r).toMatchObject({ status: 200, body: { ok: true } });
      // Read, applied, sent whole: need_receipt (which page/get does not answer) too.
      expect(admin.world.calls.get('giftcard.getPage')).toBe(1);
      expect(admin.world.calls.get('giftcard.updatePage')).toBe(1);
      expect(admin.world.cards.shelves.get(page_id).page).toEqual({ ...before, banner_pic_url: 'http://mmbiz.qpic.cn/mmbiz_jpg/banner/new' });
      // A second change keeps the first.
      await admin.put(`/shelves/${encodeURIComponent(page_id)}`, { service_phone: '020-99999999' });
      expect(admin.world.cards.shelves.get(page_id).page).toEqual({ ...before, banner_pic_url: 'http://mmbiz.qpic.cn/mmbiz_jpg/banner/new', service_phone: '020-99999999' });
    });

    it('POST /admin/shelves/maintain → giftcard.setMaintain, one shelf or all, on and off', async () => {
      const one = await admin.post('/shelves/maintain', { page_id: pageId, maintain: true });
      expect(one.status).toBe(200);
      expect(one.body.control_info.list).toContainEqual(expect.objectContaining({ page_id: pageId, page_control_type: 'E_PAGE_CONTROL_BIZ' }));
      expect(admin.world.cards.shelves.isMaintained(pageId)).toBe(true);
      await admin.post('/shelves/maintain', { page_id: pageId, maintain: false });
      expect(admin.world.cards.shelves.isMaintained(pageId)).toBe(false);
      const all = await admin.post('/shelves/maintain', { all: true, maintain: true });
      expect(all.body.control_info.biz_control_type).toBe('E_PAGE_CONTROL_BIZ');
      expect(admin.world.cards.shelves.isMaintained(pageId)).toBe(true);
      await admin.post('/shelves/maintain', { all: true, maintain: false });
      expect(admin.world.cards.shelves.isMaintained(pageId)).toBe(false);
    });

    it('POST /admin/pay/whitelist and /admin/pay/bind → addPayWhitelist, bindPaySubMch', async () => {
      const wxa = admin.world.config.miniProgram.appid;
      const wl = await admin.post('/pay/whitelist', { sub_mch_id: '1900000109' });
      expect(wl.status).toBe(200);
      expect(wl.body.url).toMatch(/^https:\/\/pay\.weixin\.qq\.com\//);
      const early = await admin.post('/pay/bind', { sub_mch_id: '1900000109', wxa_appid: wxa });
      expect(early.status).toBe(422);
      expect(early.body.error.wechat.errmsg).toContain('not opened');
      admin.world.cards.pay.confirm('1900000109');
      expect(await admin.post('/pay/bind', { sub_mch_id: '1900000109', wxa_appid: wxa })).toMatchObject({ status: 200, body: { ok: true } });
      expect(admin.world.cards.pay.boundWxa('1900000109')).toBe(wxa);
    });

    it('POST /admin/wxa → giftcard.setWxa', async () => {
      const r = await admin.post('/wxa', { wxa_appid: admin.world.config.miniProgram.appid, page_id: pageId });
      expect(r).toMatchObject({ status: 200, body: { ok: true } });
      expect(admin.world.calls.get('giftcard.setWxa')).toBe(1);
    });
  });

  describe('orders and codes (002 §9, §11, §12.2.1, §14.1)', () => {
    let shop: { cardId: string; pageId: string };
    beforeAll(() => {
      shop = admin.shop();
    });

    it('GET /admin/orders/:order_id → order.getOrder', async () => {
      const order = admin.buy(shop, 'o_alice');
      const r = await admin.get(`/orders/${order.order_id}`);
      expect(r).toMatchObject({ status: 200, body: { order } });
      const unknown = await admin.get('/orders/Z00000000000000000');
      // order/get declares its 40097 "no such order" (the endpoint table's notFound).
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toMatchObject({ code: 'not_found', wechat: { errcode: 40097, endpoint: '/card/giftcard/order/get' } });
    });

    it('POST /admin/orders/:order_id/refund → order.refundOrder; a second refund is refused', async () => {
      const order = admin.buy(shop);
      expect(await admin.post(`/orders/${order.order_id}/refund`)).toMatchObject({ status: 200, body: { ok: true } });
      expect(admin.world.cards.isRefunded(order.order_id)).toBe(true);
      const again = await admin.post(`/orders/${order.order_id}/refund`);
      expect(again.status).toBe(422);
      expect(again.body.error.wechat.errmsg).toContain('refunded already');
    });

    it('POST /admin/orders/export → every order of the range (details in order-export.test.ts)', async () => {
      const t = admin.world.clock.now();
      const r = await admin.post('/orders/export', { begin_time: t - DAY, end_time: t + DAY });
      expect(r.status).toBe(200);
      expect(r.body.orders.length).toBeGreaterThanOrEqual(2);
      expect(r.body.windows).toHaveLength(1);
      expect(r.body.pages).toBe(1);
    });

    it('GET /admin/codes/:code → code.getCode; POST …/balance → updateUserBalance; POST …/consume → consumeCode', async () => {
      const order = admin.buy(shop, 'o_bob');
      const { code, card_id } = order.card_list[0]!;
      const got = await admin.get(`/codes/${code}?card_id=${card_id}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ card: { code, card_id, balance: 10000 }, openid: 'o_bob', can_consume: true, user_card_status: 'NORMAL', order_id: order.order_id });

      const spent = await admin.post(`/codes/${code}/balance`, { card_id, add_balance: -2550, record_balance: '消费25.5元' });
      expect(spent).toMatchObject({ status: 200, body: { result_balance: 7450, openid: 'o_bob' } });
      const set = await admin.post(`/codes/${code}/balance`, { card_id, balance: 5000, custom_field_value1: '金卡' });
      expect(set.body.result_balance).toBe(5000);
      const below = await admin.post(`/codes/${code}/balance`, { card_id, add_balance: -5001 });
      expect(below.status).toBe(422);

      expect(await admin.post(`/codes/${code}/consume`, { card_id })).toMatchObject({ status: 200, body: { ok: true } });
      const twice = await admin.post(`/codes/${code}/consume`, { card_id });
      expect(twice.status).toBe(409);
      expect(twice.body.error).toMatchObject({ code: 'conflict', wechat: { errcode: 40099 } });
      // check_consume=false reads a consumed code instead of answering 40099 (query string → boolean).
      const consumed = await admin.get(`/codes/${code}?check_consume=false`);
      expect(consumed.body.user_card_status).toBe('CONSUMED');
      expect((await admin.get(`/codes/${code}`)).status).toBe(409);

      const unknown = await admin.get('/codes/000000000000');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toMatchObject({ code: 'not_found', wechat: { errcode: 40056 } });
    });

    it('POST /admin/codes/decrypt → code.decryptCode', async () => {
      const { code } = admin.buy(shop).card_list[0]!;
      const encrypt_code = admin.world.cards.ledger.encrypt(code);
      expect(await admin.post('/codes/decrypt', { encrypt_code })).toMatchObject({ status: 200, body: { code } });
    });
  });

  describe('invoicing after payment (002 §12.2.2)', () => {
    const payMch = { mchid: '1234', s_pappid: 'wxabcd' };
    const authField = {
      user_field: { show_title: 1, show_phone: 1, show_email: 1, custom_field: [{ key: '会员号' }] },
      biz_field: { show_title: 1, show_tax_no: 1, show_addr: 1, show_phone: 1, show_bank_type: 1, show_bank_no: 1, custom_field: [{ key: 'field2' }] },
    };

    it('PUT and GET /admin/invoice/pay-mch → setPayMch, getPayMch', async () => {
      expect((await admin.get('/invoice/pay-mch')).body).toEqual({ ok: true });
      expect(await admin.put('/invoice/pay-mch', payMch)).toMatchObject({ status: 200, body: { ok: true } });
      expect((await admin.get('/invoice/pay-mch')).body).toEqual({ paymch_info: payMch });
    });

    it('PUT and GET /admin/invoice/auth-field → setAuthField, getAuthField', async () => {
      expect(await admin.put('/invoice/auth-field', authField)).toMatchObject({ status: 200, body: { ok: true } });
      expect((await admin.get('/invoice/auth-field')).body).toEqual({ auth_field: authField });
    });

    it("GET /admin/invoice/orders/:order_id/auth?s_pappid → getAuthData: an order's authorization", async () => {
      const order = admin.buy(admin.shop(), 'o_carol');
      const before = await admin.get(`/invoice/orders/${order.order_id}/auth?s_pappid=wxabcd`);
      // getauthdata declares its 40097 "no authorization for this order" (the endpoint table's notFound).
      expect([before.status, before.body.error.code]).toEqual([404, 'not_found']);
      expect(before.body.error.wechat.errmsg).toContain('no invoice authorization');
      admin.world.invoice.authorize(order.order_id, undefined, { user_field: { title: '张三', phone: '13800000000' } }, 'web');
      const r = await admin.get(`/invoice/orders/${order.order_id}/auth?s_pappid=wxabcd`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ invoice_status: 'auth success', user_auth_info: { user_field: { title: '张三', phone: '13800000000' } } });
    });
  });

  describe('sub-merchants (003 §1)', () => {
    const info = () => subMerchantInfo(admin.world);
    let merchantId: number;

    it('POST /admin/submerchants → submerchant.submit; GET /admin/submerchants/:merchant_id → get', async () => {
      const r = await admin.post('/submerchants', info());
      expect(r.status).toBe(200);
      expect(r.body.info).toMatchObject({ brand_name: '兰州拉面', status: 'CHECKING' });
      merchantId = r.body.info.merchant_id;
      expect((await admin.get(`/submerchants/${merchantId}`)).body.info).toMatchObject({ merchant_id: merchantId, status: 'CHECKING' });
      const unknown = await admin.get('/submerchants/424242');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.wechat.errcode).toBe(40139);
      const badCategory = await admin.post('/submerchants', { ...info(), secondary_category_id: 999 });
      expect(badCategory.status).toBe(422);
      expect(badCategory.body.error.wechat.errcode).toBe(40104);
    });

    it('PUT /admin/submerchants/:merchant_id → submerchant.update (409 while under review)', async () => {
      const checking = await admin.put(`/submerchants/${merchantId}`, { ...info(), brand_name: '兰州牛肉面' });
      expect(checking.status).toBe(409);
      expect(checking.body.error.wechat.errcode).toBe(40140);
      admin.world.submerchant.review(merchantId, false);
      const r = await admin.put(`/submerchants/${merchantId}`, { ...info(), brand_name: '兰州牛肉面' });
      expect(r.status).toBe(200);
      expect(r.body.info).toMatchObject({ merchant_id: merchantId, brand_name: '兰州牛肉面', status: 'CHECKING' });
    });

    it('GET /admin/submerchants → every sub-merchant, following next_begin_id; ?status filters', async () => {
      for (let i = 0; i < 230; i++) admin.world.submerchant.submit({ ...info(), brand_name: `商户${i}` });
      const approved = admin.world.submerchant.submit(info());
      admin.world.submerchant.review(approved.merchant_id, true);
      admin.world.calls.reset();
      const r = await admin.get('/submerchants');
      expect(r.status).toBe(200);
      const ids = r.body.info_list.map((m: { merchant_id: number }) => m.merchant_id);
      expect(ids).toHaveLength(admin.world.submerchant.page(0, 10_000).info_list.length);
      expect(ids.length).toBeGreaterThan(230);
      expect(new Set(ids).size).toBe(ids.length);
      expect(r.body.pages).toBe(Math.ceil(ids.length / 100) + 1);
      expect(admin.world.calls.get('submerchant.batchGet')).toBe(r.body.pages);
      const onlyApproved = await admin.get('/submerchants?status=APPROVED');
      expect(onlyApproved.body.info_list.map((m: { merchant_id: number }) => m.merchant_id)).toContain(approved.merchant_id);
      expect(onlyApproved.body.info_list.every((m: { status: string }) => m.status === 'APPROVED')).toBe(true);
    });

    it('GET /admin/submerchants/categories → submerchant.getApplyProtocol', async () => {
      const r = await admin.get('/submerchants/categories');
      expect(r.status).toBe(200);
      expect(r.body.category[0]).toMatchObject({ primary_category_id: 1, category_name: '美食' });
      expect(admin.world.calls.get('submerchant.getApplyProtocol')).toBe(1);
      expect(admin.world.calls.get('submerchant.get')).toBe(0);
    });
  });

  describe('errors', () => {
    it('maps WeChat refusals by errcode: 48001 → 403, 45009 → 503, an unknown one → 502', async () => {
      for (const [errcode, status, code] of [
        [48001, 403, 'wechat_forbidden'],
        [45009, 503, 'wechat_busy'],
        [40164, 502, 'wechat_error'],
      ] as const) {
        admin.world.faults.arm({ endpoint: 'giftcard.batchGetPages', errcode, errmsg: `fault ${errcode}`, times: 1 });
        const r = await admin.get('/shelves');
        expect(r.status).toBe(status);
        expect(r.body).toEqual({
          error: { code, message: expect.stringContaining('/card/giftcard/page/batchget'), wechat: { endpoint: '/card/giftcard/page/batchget', errcode, errmsg: `fault ${errcode}` } },
        });
      }
    });

    it('answers bad JSON 400, an unknown route 404 and a wrong method 405, in the one error shape', async () => {
      const bad = await admin.call('POST', '/cards', undefined, { headers: { 'content-type': 'application/json' } });
      expect(bad.status).toBe(400);
      const res = await fetch(`${admin.origin}/admin/cards`, { method: 'POST', headers: { authorization: `Bearer ${admin.config.adminToken}` }, body: '{"card":' });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: { code: 'bad_json', message: expect.any(String) } });
      expect(await admin.post('/cards', [1, 2])).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
      expect(await admin.get('/nowhere')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
      const wrong = await admin.del('/cards');
      expect(wrong).toMatchObject({ status: 405, body: { error: { code: 'method_not_allowed' } } });
      expect(wrong.headers.get('allow')).toContain('POST');
    });
  });
});
