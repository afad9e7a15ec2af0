import { PAGE_CONTROL, type GiftCardDefinition, type GrouponCardDefinition } from '@giftcard/shared';
import { WechatError } from '../../src/wechat';
import { buy, giftCard, goLive, openShop, refusal, shelf } from '../support/giftcards';
import { subMerchantInfo } from '../support/submerchants';
import { useSandboxWechat } from '../support/wechat';

/** 003 §1.7's POST data, as the spec prints it (its sub-merchant is 123456). */
const SPEC_GROUPON_CARD: GrouponCardDefinition = {
  card_type: 'GROUPON',
  groupon: {
    base_info: {
      sub_merchant_info: { merchant_id: 123456 },
      logo_url: 'http://mmbiz.qpic.cn/mmbiz/iaL1LJM1mF9aRKPZJkmG8xXhiaHqkKSVMMWeN3hLut7X7hicFNjakmxibMLGWpXrEXB33367o7zHN0CwngnQY7zb7g/0',
      brand_name: '海底捞',
      code_type: 'CODE_TYPE_TEXT',
      title: '132元双人火锅套餐',
      sub_title: '周末狂欢必备',
      color: 'Color010',
      notice: '使用时向服务员出示此券',
      service_phone: '020-88888888',
      description: '不可与其他优惠同享\n如需团购券发票,请在消费时向商户提出\n店内均可使用,仅限堂食',
      date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: 1397577600, end_timestamp: 1422724261 },
      sku: { quantity: 500000 },
      get_limit: 3,
      use_custom_code: false,
      bind_openid: false,
      can_share: true,
      can_give_friend: true,
      location_id_list: [123, 12321, 345345],
      custom_url_name: '立即使用',
      custom_url: 'http://www.qq.com',
      custom_url_sub_title: '6个汉字tips',
      promotion_url_name: '更多优惠',
      promotion_url: 'http://www.qq.com',
      source: '大众点评',
    },
    deal_detail: '以下锅底2选1(有菌王锅、麻辣锅、大骨锅、番茄锅、清补凉锅、酸菜鱼锅可选):\n大锅1份 12元\n小锅2份 16元 ',
  },
};

const DAY = 24 * 60 * 60;

/** Spec 002 §6.3 (cards), §7 (shelves), §8 (pay access, Mini Program) through the real client. */
describe('gift cards, shelves and pay access (spec 002 §6–§8)', () => {
  afterEach(() => jest.restoreAllMocks()); // before the fixture's afterEach, as the sandbox closes
  const t = useSandboxWechat();

  const apiError = (errcode: number, endpoint: string) => expect.objectContaining({ kind: 'api', errcode, endpoint });
  const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

  describe('creating a card (§6.3)', () => {
    it('creates a gift card with every documented field; stock and price are kept in fen', async () => {
      const now = t.sandbox.world.clock.now();
      const card: GiftCardDefinition = {
        card_type: 'GENERAL_CARD',
        general_card: {
          sub_card_type: 'GIFT_CARD',
          background_pic_url: 'https://mmbiz.qlogo.cn/mmbiz/',
          base_info: {
            max_give_friend_times: 1,
            giftcard_info: { price: 8800 },
            logo_url: 'https://mmbiz.qlogo.cn/mmbiz/p98FjXy8LaeMq67mEpDmkj05EtiaVcGOibVaVux3Agib1ibcHFkCoic7HuQWFawx9XGCNWIO085drjdxTib2nBHlYGAA/0?wx_fmt=gif',
            brand_name: '微信咖啡厅',
            code_type: 'CODE_TYPE_QRCODE',
            title: '心意卡',
            color: 'Color020',
            notice: '使用时向服务员出示',
            service_phone: '020-88888888',
            description: '不可与其他优惠同享',
            date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: now - DAY, end_timestamp: now + 30 * DAY },
            sku: { quantity: 50000000 },
            get_limit: 0,
            use_custom_code: false,
            use_all_locations: false,
            bind_openid: false,
            can_share: false,
            can_give_friend: true,
            location_id_list: [213059884],
            center_title: '顶部居中按钮',
            center_sub_title: '按钮下方的wording',
            center_url: 'www.qq.com',
            center_app_brand_user_name: 'gh_86a091e50ad4@app',
            center_app_brand_pass: 'pages/index/index',
            custom_url_name: '新品推荐',
            custom_url: 'https://www.starbucks.com.cn/',
            custom_url_sub_title: '6个汉字tips',
            custom_app_brand_user_name: 'gh_86a091e50ad4@app',
            custom_app_brand_pass: 'pages/index/index',
            promotion_url_name: '更多优惠',
            promotion_url: 'http://www.qq.com',
            promotion_app_brand_user_name: 'gh_86a091e50ad4@app',
            promotion_app_brand_pass: 'pages/promo/index',
            need_push_on_view: true,
          },
          advanced_info: { text_image_list: [{ image_url: 'http://mmbiz.qpic.cn/mmbiz/p98/0', text: '此菜品精选食材' }] },
          supply_bonus: false,
          supply_balance: true,
          prerogative: '礼品卡享受更多优惠',
          auto_activate: true,
          init_balance: 10000,
          custom_field1: { name: '优惠券', url: '', app_brand_user_name: '', app_brand_pass: '' },
          custom_field2: { name: '兑换券', url: '' },
          need_push_on_view: true,
        },
      };
      const { card_id } = await t.wechat.client.giftcard.createCard({ card });
      expect(card_id).toMatch(/^p[\w-]{27}$/);
      const stored = t.sandbox.world.cards.catalogue.find(card_id)!;
      expect(stored).toMatchObject({ price: 8800, initialBalance: 10000, quantity: 50000000 });
      expect(stored.definition.general_card.base_info.custom_url_sub_title).toBe('6个汉字tips');
    });

    it('accepts the fixed-term and permanent validity types', async () => {
      const term = await t.wechat.client.giftcard.createCard({
        card: giftCard(t.sandbox, { date_info: { type: 'DATE_TYPE_FIX_TERM', fixed_term: 30, fixed_begin_term: 0 } }),
      });
      const permanent = await t.wechat.client.giftcard.createCard({ card: giftCard(t.sandbox, { date_info: { type: 'DATE_TYPE_PERMANENT' } }) });
      expect(term.card_id).not.toBe(permanent.card_id);
      expect(t.sandbox.world.cards.catalogue.find(permanent.card_id)?.definition.general_card.base_info.date_info.type).toBe('DATE_TYPE_PERMANENT');
    });

    it('answers 40070 for an illegal stock and 40079 for a wrong time (003 §1.8)', async () => {
      const now = t.sandbox.world.clock.now();
      for (const quantity of [-1, 100_000_001]) {
        expect(await failure(t.wechat.client.giftcard.createCard({ card: giftCard(t.sandbox, { quantity }) }))).toEqual(apiError(40070, '/card/create'));
      }
      const backwards = giftCard(t.sandbox, { date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: now + DAY, end_timestamp: now } });
      const past = giftCard(t.sandbox, { date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: now - 9 * DAY, end_timestamp: now - DAY } });
      for (const card of [backwards, past]) {
        const err = await failure(t.wechat.client.giftcard.createCard({ card }));
        expect(err).toBeInstanceOf(WechatError);
        expect(err).toEqual(apiError(40079, '/card/create'));
      }
    });

    it('refuses an over-long title before WeChat is called; WeChat itself answers 45021', async () => {
      const tenChinese = '一二三四五六七八九十';
      const err = await failure(t.wechat.client.giftcard.createCard({ card: giftCard(t.sandbox, { title: tenChinese }) }));
      expect(err).toMatchObject({ kind: 'invalid_request', errcode: null, endpoint: '/card/create' });
      expect((err as WechatError).errmsg).toMatch(/title/);
      expect(t.sandbox.world.calls.get('giftcard.createCard')).toBe(0);

      const token = await t.wechat.tokens.get();
      expect(await t.sandbox.raw('/card/create', { card: giftCard(t.sandbox, { title: tenChinese }) }, token)).toMatchObject({ errcode: 45021 });
      // Nine Chinese characters, or eighteen letters, fit.
      await expect(t.wechat.client.giftcard.createCard({ card: giftCard(t.sandbox, { title: tenChinese.slice(0, 9) }) })).resolves.toHaveProperty('card_id');
      await expect(t.wechat.client.giftcard.createCard({ card: giftCard(t.sandbox, { title: 'x'.repeat(18) }) })).resolves.toHaveProperty('card_id');
      const long = giftCard(t.sandbox);
      long.general_card.base_info.description = '长'.repeat(1001);
      expect(await t.sandbox.raw('/card/create', { card: long }, token)).toMatchObject({ errcode: 45021 });
    });

    it('checks the documented shapes client-side: color, fen, get_limit, at most three cells', async () => {
      const bad: Array<(c: GiftCardDefinition) => void> = [
        (c) => (c.general_card.base_info.color = 'Color015'),
        (c) => (c.general_card.base_info.color = 'Color110'),
        (c) => (c.general_card.base_info.giftcard_info.price = 99.5),
        (c) => (c.general_card.base_info.get_limit = 3 as 0),
        (c) => Object.assign(c.general_card, { custom_field1: { name: 'a' }, custom_field2: { name: 'b' }, custom_field3: { name: 'c' } }),
      ];
      for (const change of bad) {
        const card = giftCard(t.sandbox);
        change(card);
        expect(await failure(t.wechat.client.giftcard.createCard({ card }))).toMatchObject({ kind: 'invalid_request' });
      }
      expect(t.sandbox.world.calls.get('giftcard.createCard')).toBe(0);
      // Without supply_balance, three custom cells are allowed; WeChat refuses the fourth cell as 40097.
      const three = giftCard(t.sandbox);
      Object.assign(three.general_card, { supply_balance: false, custom_field1: { name: 'a' }, custom_field2: { name: 'b' }, custom_field3: { name: 'c' } });
      await expect(t.wechat.client.giftcard.createCard({ card: three })).resolves.toHaveProperty('card_id');
      const token = await t.wechat.tokens.get();
      three.general_card.supply_balance = true;
      expect(await t.sandbox.raw('/card/create', { card: three }, token)).toMatchObject({ errcode: 40097 });
    });

    it('creates a card for a sub-merchant only once it is approved (003 §1.7: 40139, 40140)', async () => {
      const statusOf = jest.spyOn(t.sandbox.world.submerchant, 'statusOf');
      const forMerchant = (merchant_id: number) => {
        const card = giftCard(t.sandbox);
        card.general_card.base_info.sub_merchant_info = { merchant_id };
        return t.wechat.client.giftcard.createCard({ card });
      };
      statusOf.mockReturnValue(undefined);
      expect(await failure(forMerchant(123456))).toEqual(apiError(40139, '/card/create'));
      for (const status of ['CHECKING', 'REJECTED', 'EXPIRED'] as const) {
        statusOf.mockReturnValue(status);
        expect(await failure(forMerchant(123456))).toEqual(apiError(40140, '/card/create'));
      }
      statusOf.mockReturnValue('APPROVED');
      await expect(forMerchant(123456)).resolves.toHaveProperty('card_id');
      expect(statusOf).toHaveBeenCalledWith(123456);
    });
  });

  describe('other card types (003 §1.7)', () => {
    it("creates 003 §1.7's GROUPON card for an approved sub-merchant as shown, no field dropped; a shelf does not sell it", async () => {
      const world = t.sandbox.world;
      // The example's validity ended in 2015: the sandbox's clock goes back into it.
      world.clock.advance(1400000000 - world.clock.now());
      const { merchant_id } = (await t.wechat.client.submerchant.submit({ info: subMerchantInfo(world) })).info;
      await t.sandbox.control('submerchants/review', { merchant_id, pass: true });
      // Only the sub-merchant id is ours (the sandbox numbers its sub-merchants from 1); every other byte as printed.
      const card = { ...SPEC_GROUPON_CARD, groupon: { ...SPEC_GROUPON_CARD.groupon, base_info: { ...SPEC_GROUPON_CARD.groupon.base_info, sub_merchant_info: { merchant_id } } } };
      const { card_id } = await t.wechat.client.giftcard.createCard({ card });
      expect(world.cards.catalogue.findAny(card_id)?.definition).toEqual(card);
      // A gift card shelf sells gift cards: a GROUPON card on it is an invalid card_id.
      expect(await failure(t.wechat.client.giftcard.addPage({ page: shelf([card_id]) }))).toEqual(apiError(40073, '/card/giftcard/page/add'));
    });

    it('refuses a field the spec does not show rather than drop it, naming it (client and sandbox)', async () => {
      const extra = { ...SPEC_GROUPON_CARD, groupon: { ...SPEC_GROUPON_CARD.groupon, base_info: { ...SPEC_GROUPON_CARD.groupon.base_info, sub_titel: '拼错' } } };
      const err = await failure(t.wechat.client.giftcard.createCard({ card: extra as never }));
      expect(err).toMatchObject({ kind: 'invalid_request' });
      expect(String((err as Error).message)).toContain('sub_titel');
      const gift = giftCard(t.sandbox) as unknown as { general_card: Record<string, unknown> };
      gift.general_card.deal_detail = '团购详情';
      const token = await t.wechat.tokens.get();
      expect(await t.sandbox.raw('/card/create', { card: gift }, token)).toMatchObject({ errcode: 40097, errmsg: expect.stringContaining('deal_detail') });
      expect(t.sandbox.world.calls.get('giftcard.createCard')).toBe(1);
    });
  });

  describe('shelves (§7)', () => {
    it('adds, gets, lists and updates a shelf', async () => {
      const [a, b] = [(await t.wechat.client.giftcard.createCard({ card: giftCard(t.sandbox) })).card_id, (await t.wechat.client.giftcard.createCard({ card: giftCard(t.sandbox) })).card_id];
      const page = shelf([a!, b!], {
        category_list: [{ title: '主题分类一' }],
        support_buy_for_self: true,
        need_receipt: true,
      });
      page.theme_list[0]!.category_index = 0;
      page.theme_list.push({ ...page.theme_list[0]!, title: 'banner', category_index: undefined, is_banner: true });
      const { page_id } = await t.wechat.client.giftcard.addPage({ page });
      // Standard base64 with padding, like the spec's example: the shelf link must URL-encode it (§7.2 note 1).
      expect(page_id).toMatch(/^[A-Za-z0-9+/]+=$/);

      const got = await t.wechat.client.giftcard.getPage({ page_id });
      const { need_receipt: _, ...expected } = page;
      expect(got.page).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(got.page.theme_list[0]!.pic_item_list[0]).toEqual({ background_pic_url: 'http://mmbiz.qpic.cn/mmbiz_jpg/face1/0', default_gifting_msg: '祝福语1', outer_img_id: 'outer_img_id_1' });

      const second = await t.wechat.client.giftcard.addPage({ page: shelf([a!]) });
      expect((await t.wechat.client.giftcard.batchGetPages({})).page_id_list).toEqual([page_id, second.page_id]);

      // §7.4: the whole page, as its table requires; what was left out of it is gone, page_title (not in the table) stays.
      const { need_receipt: _n, support_buy_for_self: _s, page_title: _t, category_list: _c, ...rest } = page;
      await t.wechat.client.giftcard.updatePage({
        page: { ...rest, page_id, banner_pic_url: 'http://img.com/banner_pic', theme_list: [{ ...page.theme_list[0]!, category_index: undefined, item_list: [{ card_id: b! }] }] },
      });
      const updated = (await t.wechat.client.giftcard.getPage({ page_id })).page;
      expect(updated.banner_pic_url).toBe('http://img.com/banner_pic');
      expect(updated.theme_list.map((t) => t.item_list.map((i) => i.card_id))).toEqual([[b]]);
      expect(updated).toMatchObject({ page_title: '礼品卡', address: '广州市海珠区222号', cell_2: { title: '申请退款', url: 'https://mp.weixin.qq.com' } });
      expect(updated.support_buy_for_self).toBeUndefined();
      expect(updated.category_list).toBeUndefined();
    });

    it('refuses a page update without the fields §7.4 requires (002:866-873), changing nothing', async () => {
      const { pageId, cardIds } = await openShop(t.wechat, t.sandbox);
      const before = (await t.wechat.client.giftcard.getPage({ page_id: pageId })).page;
      const token = await t.wechat.tokens.get();
      const whole = { ...shelf(cardIds), page_id: pageId };
      for (const field of ['banner_pic_url', 'theme_list', 'address', 'service_phone', 'biz_description', 'cell_1', 'cell_2'] as const) {
        const { [field]: _, ...partial } = whole;
        expect(await t.sandbox.raw('/card/giftcard/page/update', { page: { ...partial, banner_pic_url: field === 'banner_pic_url' ? undefined : 'http://img.com/new' } }, token)).toMatchObject({
          errcode: 40097,
          errmsg: expect.stringContaining(field),
        });
      }
      // The spec's own example (three fields) is refused as well.
      expect(await t.sandbox.raw('/card/giftcard/page/update', { page: { page_id: pageId, banner_pic_url: 'http://img.com/banner_pic', theme_list: whole.theme_list } }, token)).toMatchObject({ errcode: 40097 });
      expect((await t.wechat.client.giftcard.getPage({ page_id: pageId })).page).toEqual(before);
    });

    it('answers 40073 for an unknown card and 40097 for an unknown shelf', async () => {
      const { pageId, cardIds } = await openShop(t.wechat, t.sandbox);
      expect(await failure(t.wechat.client.giftcard.addPage({ page: shelf(['pNoSuchCard']) }))).toEqual(apiError(40073, '/card/giftcard/page/add'));
      expect(await failure(t.wechat.client.giftcard.getPage({ page_id: 'nope=' }))).toEqual(apiError(40097, '/card/giftcard/page/get'));
      expect(await failure(t.wechat.client.giftcard.updatePage({ page: { ...shelf(cardIds), page_id: 'nope=' } }))).toEqual(apiError(40097, '/card/giftcard/page/update'));
      const theme = shelf(cardIds).theme_list[0]!;
      expect(
        await failure(t.wechat.client.giftcard.updatePage({ page: { ...shelf(cardIds), page_id: pageId, theme_list: [{ ...theme, item_list: [{ card_id: 'pNoSuchCard' }] }] } })),
      ).toEqual(apiError(40073, '/card/giftcard/page/update'));
      // A refused update changed nothing.
      expect((await t.wechat.client.giftcard.getPage({ page_id: pageId })).page.theme_list[0]!.item_list).toEqual([{ card_id: cardIds[0] }]);
    });

    it('checks a theme has a category when categories are given (banner themes aside)', async () => {
      const page = shelf(['pAnyCard'], { category_list: [{ title: 'one' }] });
      expect(await failure(t.wechat.client.giftcard.addPage({ page }))).toMatchObject({ kind: 'invalid_request' });
      page.theme_list[0]!.category_index = 1;
      expect(await failure(t.wechat.client.giftcard.addPage({ page }))).toMatchObject({ kind: 'invalid_request' });
      expect(t.sandbox.world.calls.get('giftcard.addPage')).toBe(0);
    });

    it('takes one shelf or all shelves off sale and back (§7.6); a maintained shelf sells nothing', async () => {
      const { pageId, cardIds } = await openShop(t.wechat, t.sandbox);
      const other = (await t.wechat.client.giftcard.addPage({ page: shelf(cardIds) })).page_id;
      await goLive(t.wechat, t.sandbox, other);
      const purchase = { openid: 'o_buyer', page_id: pageId, items: [{ card_id: cardIds[0]!, count: 1 }] };

      const one = await t.wechat.client.giftcard.setMaintain({ page_id: pageId, maintain: true });
      expect(one.control_info).toEqual({
        biz_control_type: PAGE_CONTROL.normal,
        system_biz_control_type: PAGE_CONTROL.normal,
        list: [
          { page_id: pageId, page_control_type: PAGE_CONTROL.biz, system_page_control_type: PAGE_CONTROL.normal },
          { page_id: other, page_control_type: PAGE_CONTROL.normal, system_page_control_type: PAGE_CONTROL.normal },
        ],
      });
      expect(await refusal(buy(t.sandbox, purchase))).toMatchObject({ errcode: 40097, message: expect.stringMatching(/maintenance/) });
      await t.wechat.client.giftcard.setMaintain({ page_id: pageId, maintain: false });
      await expect(buy(t.sandbox, purchase)).resolves.toHaveProperty('order_id');

      const all = await t.wechat.client.giftcard.setMaintain({ all: true, maintain: true });
      expect(all.control_info.biz_control_type).toBe(PAGE_CONTROL.biz);
      expect(all.control_info.list.map((p) => p.page_control_type)).toEqual([PAGE_CONTROL.biz, PAGE_CONTROL.biz]);
      expect(await refusal(buy(t.sandbox, { ...purchase, page_id: other }))).toMatchObject({ errcode: 40097 });
      const back = await t.wechat.client.giftcard.setMaintain({ all: true, maintain: false });
      expect(back.control_info.list.map((p) => p.page_control_type)).toEqual([PAGE_CONTROL.normal, PAGE_CONTROL.normal]);
      await expect(buy(t.sandbox, { ...purchase, page_id: other })).resolves.toHaveProperty('order_id');

      expect(await failure(t.wechat.client.giftcard.setMaintain({ page_id: 'nope=', maintain: true }))).toEqual(apiError(40097, '/card/giftcard/maintain/set'));
      // One shelf or all, not both: the client refuses the mix.
      const mixed = { page_id: pageId, all: true, maintain: true } as unknown as { all: true; maintain: boolean };
      expect(await failure(t.wechat.client.giftcard.setMaintain(mixed))).toMatchObject({ kind: 'invalid_request' });
    });
  });

  describe('WeChat Pay access and the Mini Program (§8)', () => {
    const subMch = '1900015421';

    it('whitelists, confirms and binds a merchant number to the gift card Mini Program', async () => {
      const wxa = t.sandbox.world.config.miniProgram.appid;
      const { url } = await t.wechat.client.giftcard.addPayWhitelist({ sub_mch_id: subMch });
      expect(url).toBe('https://pay.weixin.qq.com/index.php/public/product/detail?pid=61&productType=0');
      // §8.1.2: binding waits for the merchant's confirmation in the WeChat Pay back office.
      const early = await failure(t.wechat.client.giftcard.bindPaySubMch({ sub_mch_id: subMch, wxa_appid: wxa }));
      expect(early).toEqual(apiError(40097, '/card/giftcard/pay/submch/bind'));
      expect((early as WechatError).errmsg).toMatch(/confirm/);
      await t.sandbox.control('pay/confirm', { sub_mch_id: subMch });
      await expect(t.wechat.client.giftcard.bindPaySubMch({ sub_mch_id: subMch, wxa_appid: wxa })).resolves.toMatchObject({ errcode: 0 });
      expect(t.sandbox.world.cards.pay.boundWxa(subMch)).toBe(wxa);
    });

    it('refuses a merchant number never whitelisted and a Mini Program not associated (40097)', async () => {
      const wxa = t.sandbox.world.config.miniProgram.appid;
      expect(await failure(t.wechat.client.giftcard.bindPaySubMch({ sub_mch_id: '1900000001', wxa_appid: wxa }))).toEqual(
        apiError(40097, '/card/giftcard/pay/submch/bind'),
      );
      await t.wechat.client.giftcard.addPayWhitelist({ sub_mch_id: subMch });
      await t.sandbox.control('pay/confirm', { sub_mch_id: subMch });
      expect(await failure(t.wechat.client.giftcard.bindPaySubMch({ sub_mch_id: subMch, wxa_appid: 'wx8638fbedaf138a87' }))).toEqual(
        apiError(40097, '/card/giftcard/pay/submch/bind'),
      );
      expect(await refusal(t.sandbox.control('pay/confirm', { sub_mch_id: '1900000001' }))).toMatchObject({ errcode: 40097 });
      expect(await failure(t.wechat.client.giftcard.addPayWhitelist({ sub_mch_id: 'abc' }))).toMatchObject({ kind: 'invalid_request' });
    });

    it('binds the Mini Program to a shelf (wxa/set)', async () => {
      const wxa = t.sandbox.world.config.miniProgram.appid;
      const { pageId } = await openShop(t.wechat, t.sandbox);
      await t.wechat.client.giftcard.setWxa({ wxa_appid: wxa, page_id: pageId });
      expect(t.sandbox.world.cards.shelves.wxaPage(wxa)).toBe(pageId);
      expect(await failure(t.wechat.client.giftcard.setWxa({ wxa_appid: wxa, page_id: 'nope=' }))).toEqual(apiError(40097, '/card/giftcard/wxa/set'));
      expect(await failure(t.wechat.client.giftcard.setWxa({ wxa_appid: 'wx123456789', page_id: pageId }))).toEqual(apiError(40097, '/card/giftcard/wxa/set'));
      expect(t.sandbox.world.cards.shelves.wxaPage(wxa)).toBe(pageId);
    });
  });

  describe('buying from a shelf (sandbox user action)', () => {
    it('deducts stock, refuses when sold out, and pushes giftcard_pay_done (§10.1)', async () => {
      const { pageId, cardIds } = await openShop(t.wechat, t.sandbox, [{ price: 5000, quantity: 3 }]);
      const card_id = cardIds[0]!;
      t.sandbox.world.outbox.drain();
      const order = await buy(t.sandbox, { openid: 'o_buyer', page_id: pageId, items: [{ card_id, count: 2 }], outer_str: 'web' });
      expect(t.sandbox.world.cards.catalogue.find(card_id)?.quantity).toBe(1);
      expect(order).toMatchObject({ page_id: pageId, open_id: 'o_buyer', total_price: 10000, outer_str: 'web' });
      expect(t.sandbox.world.outbox.drain()).toEqual([
        {
          ToUserName: t.sandbox.world.config.serviceAccount.originalId,
          FromUserName: 'o_buyer',
          CreateTime: order.pay_finish_time,
          MsgType: 'event',
          Event: 'giftcard_pay_done',
          PageId: pageId,
          OrderId: order.order_id,
        },
      ]);

      expect(await refusal(buy(t.sandbox, { openid: 'o_buyer', page_id: pageId, items: [{ card_id, count: 2 }] }))).toMatchObject({
        errcode: 40097,
        message: expect.stringMatching(/out of stock/),
      });
      await buy(t.sandbox, { openid: 'o_buyer', page_id: pageId, items: [{ card_id, count: 1 }] });
      expect(t.sandbox.world.cards.catalogue.find(card_id)?.quantity).toBe(0);
      expect(await refusal(buy(t.sandbox, { openid: 'o_buyer', page_id: pageId, items: [{ card_id, count: 1 }] }))).toMatchObject({ errcode: 40097 });
      // Refusals publish nothing.
      expect(t.sandbox.world.outbox.drain().map((e) => e.Event)).toEqual(['giftcard_pay_done']);
    });

    it('sells one card at a time without support_multi, and only cards on the shelf', async () => {
      const { pageId, cardIds } = await openShop(t.wechat, t.sandbox, [{}], { support_multi: false });
      const card_id = cardIds[0]!;
      expect(await refusal(buy(t.sandbox, { openid: 'o_a', page_id: pageId, items: [{ card_id, count: 2 }] }))).toMatchObject({ errcode: 40097 });
      const elsewhere = (await t.wechat.client.giftcard.createCard({ card: giftCard(t.sandbox) })).card_id;
      expect(await refusal(buy(t.sandbox, { openid: 'o_a', page_id: pageId, items: [{ card_id: elsewhere, count: 1 }] }))).toMatchObject({ errcode: 40097 });
      expect(await refusal(buy(t.sandbox, { openid: 'o_a', page_id: 'nope=', items: [{ card_id, count: 1 }] }))).toMatchObject({ errcode: 40097 });
      expect(t.sandbox.world.cards.catalogue.find(card_id)?.quantity).toBe(100);
      await expect(buy(t.sandbox, { openid: 'o_a', page_id: pageId, items: [{ card_id, count: 1 }] })).resolves.toHaveProperty('order_id');
    });
  });
});
