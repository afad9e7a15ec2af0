import { parseEvent, type RequestOf, type UserAuthInfo, type invoiceEndpoints } from '@giftcard/shared';
import { goLive } from '../support/giftcards';
import { useSandboxWechat, wechatFailure } from '../support/wechat';

/** 002 §12.2.2.3's example authorization page. */
const AUTH_FIELD: RequestOf<typeof invoiceEndpoints.setAuthField>['auth_field'] = {
  user_field: { show_title: 1, show_phone: 1, show_email: 1, custom_field: [{ key: 'field1' }] },
  biz_field: { show_title: 1, show_tax_no: 1, show_addr: 1, show_phone: 1, show_bank_type: 1, show_bank_no: 1, custom_field: [{ key: 'field2' }] },
};
const PAY_MCH = { mchid: '1234', s_pappid: 'wxabcd' };

/** Spec 002 §12.2.2 through the real client, over HTTP, against the sandbox. */
describe('invoicing after payment (spec 002 §12.2.2)', () => {
  const t = useSandboxWechat();

  /** A paid order of `openid`: a card and a shelf through the client, the purchase as the user (cards area). */
  async function paidOrder(openid: string, needReceipt = true): Promise<string> {
    const { card_id } = await t.wechat.client.giftcard.createCard({
      card: {
        card_type: 'GENERAL_CARD',
        general_card: {
          sub_card_type: 'GIFT_CARD',
          base_info: {
            giftcard_info: { price: 10000 },
            logo_url: 'http://mmbiz.qpic.cn/logo.png',
            max_give_friend_times: 1,
            code_type: 'CODE_TYPE_QRCODE',
            brand_name: '礼品卡商户',
            title: '100元礼品卡',
            color: 'Color010',
            notice: '使用时出示此卡',
            description: '不可兑换现金',
            date_info: { type: 'DATE_TYPE_PERMANENT' },
            sku: { quantity: 100 },
            use_all_locations: true,
          },
        },
      },
    });
    const { page_id } = await t.wechat.client.giftcard.addPage({
      page: {
        page_title: '礼品卡',
        support_buy_for_self: true,
        banner_pic_url: 'http://mmbiz.qpic.cn/banner.png',
        theme_list: [
          {
            theme_pic_url: 'http://mmbiz.qpic.cn/theme.png',
            title: '生日快乐',
            title_color: '#FB966E',
            item_list: [{ card_id }],
            pic_item_list: [{ background_pic_url: 'http://mmbiz.qpic.cn/face.png', default_gifting_msg: '祝你生日快乐' }],
          },
        ],
        address: '广州市海珠区',
        service_phone: '020-88888888',
        biz_description: '退款与发票说明',
        need_receipt: needReceipt,
        cell_1: { title: '申请发票', url: 'https://merchant.example/invoice' },
        cell_2: { title: '申请退款', url: 'https://merchant.example/refund' },
      },
    });
    await goLive(t.wechat, t.sandbox, page_id);
    const order = await t.sandbox.control<{ order_id: string }>('shelves/buy', { openid, page_id, items: [{ card_id, count: 1 }] });
    t.sandbox.world.outbox.drain(); // the purchase's giftcard_pay_done: not what these tests look at
    return order.order_id;
  }

  async function setUp() {
    await t.wechat.client.invoice.setPayMch({ paymch_info: PAY_MCH });
    await t.wechat.client.invoice.setAuthField({ auth_field: AUTH_FIELD });
  }

  it('sets and reads the pay mch (set_pay_mch / get_pay_mch), told apart by their action', async () => {
    expect((await t.wechat.client.invoice.getPayMch({})).paymch_info).toBeUndefined();
    await t.wechat.client.invoice.setPayMch({ paymch_info: PAY_MCH });
    const res = await t.wechat.client.invoice.getPayMch({});
    expect(res.paymch_info).toEqual(PAY_MCH);
    expect(t.sandbox.world.calls.get('invoice.setPayMch')).toBe(1);
    expect(t.sandbox.world.calls.get('invoice.getPayMch')).toBe(2);
    // An action the sandbox does not know is refused, not guessed.
    const token = await t.wechat.tokens.get();
    expect(await t.sandbox.raw('/card/invoice/setbizattr?action=set_contact', {}, token)).toMatchObject({ errcode: 40097 });
  });

  it('sets and reads the authorization page fields (set_auth_field / get_auth_field)', async () => {
    expect((await t.wechat.client.invoice.getAuthField({})).auth_field).toEqual({});
    await t.wechat.client.invoice.setAuthField({ auth_field: AUTH_FIELD });
    const res = await t.wechat.client.invoice.getAuthField({});
    expect(res.auth_field).toEqual(AUTH_FIELD);
    expect(res.auth_field.biz_field?.custom_field?.[0]?.key).toBe('field2');
    // A custom field named twice is ambiguous: WeChat's invalid args.
    const dup = { ...AUTH_FIELD, user_field: { custom_field: [{ key: '备注' }, { key: '备注' }] } };
    expect(await wechatFailure(t.wechat.client.invoice.setAuthField({ auth_field: dup }))).toMatchObject({ kind: 'api', errcode: 40097, endpoint: '/card/invoice/setbizattr' });
  });

  it('refuses a custom field name over 5 Chinese characters in the client, and the sandbox answers 45021', async () => {
    const bad = { ...AUTH_FIELD, user_field: { custom_field: [{ key: '六个汉字字段' }] } };
    const err = await wechatFailure(t.wechat.client.invoice.setAuthField({ auth_field: bad }));
    expect(err).toMatchObject({ kind: 'invalid_request', errcode: null, endpoint: '/card/invoice/setbizattr' });
    expect(t.sandbox.world.calls.get('invoice.setAuthField')).toBe(0);
    const token = await t.wechat.tokens.get();
    expect(await t.sandbox.raw('/card/invoice/setbizattr?action=set_auth_field', { auth_field: bad }, token)).toMatchObject({ errcode: 45021 });
    // Five Chinese characters (or ten letters) fit.
    await expect(t.wechat.client.invoice.setAuthField({ auth_field: { ...AUTH_FIELD, user_field: { custom_field: [{ key: '五个汉字段' }, { key: 'tenletters' }] } } })).resolves.toBeDefined();
  });

  it('gives a personal invoice request to getauthdata after the buyer authorized it, with the push', async () => {
    await setUp();
    const orderId = await paidOrder('o_buyer_1');
    const user_field = { title: 'Dhxhhx', phone: '5554545', email: 'dhxhxhhx@qq.cind', custom_field: [{ key: 'field1', value: '管理理论' }] };
    const before = t.sandbox.world.clock.now();
    const { event } = await t.sandbox.control<{ event: Record<string, string | number> }>('invoice/authorize', { order_id: orderId, user_field });

    const res = await t.wechat.client.invoice.getAuthData({ order_id: orderId, s_pappid: 'wxabcd' });
    expect(res).toMatchObject({ invoice_status: 'auth success' });
    // The authorization's time is the sandbox clock's when the user authorized (whole seconds may tick between reads).
    expect(res.auth_time).toBeGreaterThanOrEqual(before);
    expect(res.auth_time).toBeLessThanOrEqual(t.sandbox.world.clock.now());
    const info: UserAuthInfo | undefined = res.user_auth_info;
    expect(info).toEqual({ user_field });

    const pushed = t.sandbox.world.outbox.drain();
    expect(pushed).toEqual([event]);
    const parsed = parseEvent(Object.fromEntries(Object.entries(pushed[0]!).map(([k, v]) => [k, String(v)])));
    expect(parsed).toEqual({
      ok: true,
      event: expect.objectContaining({
        Event: 'user_authorize_invoice',
        FromUserName: 'o_buyer_1',
        ToUserName: t.sandbox.world.config.serviceAccount.originalId,
        SuccOrderId: orderId,
        FailOrderId: '',
        AppId: t.sandbox.world.config.serviceAccount.appid,
        Source: 'web',
      }),
    });
  });

  it('gives a company invoice request, as the spec example', async () => {
    await setUp();
    const orderId = await paidOrder('o_buyer_2');
    const biz_field = { title: '王xx', tax_no: '6464646766', addr: '后过敏', phone: '1557548768', bank_type: '仔仔细细', bank_no: '545454646', custom_field: [{ key: 'field2', value: '哈哈哈啊' }] };
    await t.sandbox.control('invoice/authorize', { order_id: orderId, openid: 'o_buyer_2', biz_field, source: 'app' });
    const res = await t.wechat.client.invoice.getAuthData({ order_id: orderId, s_pappid: 'wxabcd' });
    expect(res.user_auth_info).toEqual({ biz_field });
    expect(t.sandbox.world.outbox.drain()[0]).toMatchObject({ Source: 'app', SuccOrderId: orderId });
  });

  it('answers 40097 to getauthdata for an order without authorization, an unknown order, or another platform', async () => {
    const orderId = await paidOrder('o_buyer_3');
    const notSetUp = await wechatFailure(t.wechat.client.invoice.getAuthData({ order_id: orderId, s_pappid: 'wxabcd' }));
    expect(notSetUp).toMatchObject({ kind: 'api', errcode: 40097, endpoint: '/card/invoice/getauthdata' });
    expect(notSetUp.errmsg).toMatch(/set_pay_mch/);
    await setUp();

    const none = await wechatFailure(t.wechat.client.invoice.getAuthData({ order_id: orderId, s_pappid: 'wxabcd' }));
    expect(none).toMatchObject({ kind: 'api', errcode: 40097, endpoint: '/card/invoice/getauthdata' });
    expect(none.errmsg).toContain(`order ${orderId} has no invoice authorization`);

    const unknown = await wechatFailure(t.wechat.client.invoice.getAuthData({ order_id: 'Z00000000000000000', s_pappid: 'wxabcd' }));
    expect(unknown.errmsg).toContain('no order Z00000000000000000');

    await t.sandbox.control('invoice/authorize', { order_id: orderId, user_field: { title: '个人' } });
    const otherPlatform = await wechatFailure(t.wechat.client.invoice.getAuthData({ order_id: orderId, s_pappid: 'wxother' }));
    expect(otherPlatform).toMatchObject({ errcode: 40097 });
    expect(otherPlatform.errmsg).toMatch(/s_pappid wxother/);
    await expect(t.wechat.client.invoice.getAuthData({ order_id: orderId, s_pappid: 'wxabcd' })).resolves.toMatchObject({ invoice_status: 'auth success' });
  });

  it('refuses an authorization for an unknown order, by someone other than the buyer, twice, or with fields the page does not show', async () => {
    await setUp();
    const orderId = await paidOrder('o_buyer_4');
    await expect(t.sandbox.control('invoice/authorize', { order_id: 'Z_not_an_order', user_field: { title: 'x' } })).rejects.toThrow(/409.*no order Z_not_an_order/);
    await expect(t.sandbox.control('invoice/authorize', { order_id: orderId, openid: 'o_stranger', user_field: { title: 'x' } })).rejects.toThrow(/409.*not bought by o_stranger/);
    await expect(t.sandbox.control('invoice/authorize', { order_id: orderId, user_field: { title: 'x' }, biz_field: { title: 'y' } })).rejects.toThrow(/409.*exactly one/);
    await expect(t.sandbox.control('invoice/authorize', { order_id: orderId, user_field: { title: 'x', custom_field: [{ key: 'field9', value: 'v' }] } })).rejects.toThrow(/409.*field9/);
    await t.wechat.client.invoice.setAuthField({ auth_field: { user_field: { show_phone: 0 }, biz_field: {} } });
    await expect(t.sandbox.control('invoice/authorize', { order_id: orderId, user_field: { title: 'x', phone: '123' } })).rejects.toThrow(/409.*show_phone/);
    expect(t.sandbox.world.outbox.drain()).toEqual([]);

    await t.sandbox.control('invoice/authorize', { order_id: orderId, user_field: { title: 'x' } });
    await expect(t.sandbox.control('invoice/authorize', { order_id: orderId, user_field: { title: 'y' } })).rejects.toThrow(/409.*already/);
    expect(t.sandbox.world.outbox.drain()).toHaveLength(1);
  });

  it('follows need_receipt: an order of a shelf without it cannot be authorized, and getauthdata refuses it (002 §7.2, §12.2.2)', async () => {
    await setUp();
    const orderId = await paidOrder('o_buyer_6', false);
    const refused = await t.sandbox.control('invoice/authorize', { order_id: orderId, user_field: { title: 'x' } }).catch((e: Error) => e.message);
    expect(refused).toMatch(/409.*"errcode":40097/);
    expect(refused).toMatch(/need_receipt/);
    expect(t.sandbox.world.outbox.drain()).toEqual([]);
    const err = await wechatFailure(t.wechat.client.invoice.getAuthData({ order_id: orderId, s_pappid: 'wxabcd' }));
    expect(err).toMatchObject({ kind: 'api', errcode: 40097, endpoint: '/card/invoice/getauthdata' });
    expect(err.errmsg).toMatch(/need_receipt/);
  });

  it('publishes a failed authorization in FailOrderId and records nothing', async () => {
    await setUp();
    const orderId = await paidOrder('o_buyer_5');
    await t.sandbox.control('invoice/authorize', { order_id: orderId, fail: true });
    expect(t.sandbox.world.outbox.drain()).toEqual([expect.objectContaining({ Event: 'user_authorize_invoice', FromUserName: 'o_buyer_5', SuccOrderId: '', FailOrderId: orderId })]);
    expect(await wechatFailure(t.wechat.client.invoice.getAuthData({ order_id: orderId, s_pappid: 'wxabcd' }))).toMatchObject({ errcode: 40097 });
  });

  it('checks getauthdata requests before WeChat is called', async () => {
    const err = await wechatFailure(t.wechat.client.invoice.getAuthData({ order_id: '', s_pappid: 'wxabcd' }));
    expect(err).toMatchObject({ kind: 'invalid_request', endpoint: '/card/invoice/getauthdata' });
    expect(t.sandbox.world.calls.get('invoice.getAuthData')).toBe(0);
  });
});
