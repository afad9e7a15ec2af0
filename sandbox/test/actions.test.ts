import { parseScanEventKey, type GiftCardOrder } from '@giftcard/shared';
import { pushed } from './pushed';
import { buy, openShop, refusal } from '../../bff/test/support/giftcards';
import { useSandboxWechat } from '../../bff/test/support/wechat';

describe('WeChat users act in the sandbox, and WeChat pushes what they did', () => {
  const t = useSandboxWechat();
  const originalId = () => t.sandbox.world.config.serviceAccount.originalId;

  describe('gifts (002 §10.2–10.4)', () => {
    let shop: { pageId: string; cardIds: string[] };
    let order: GiftCardOrder;
    const buyTwo = (openid = 'o_buyer') =>
      buy(t.sandbox, { openid, page_id: shop.pageId, items: [{ card_id: shop.cardIds[0]!, count: 2 }] });

    beforeEach(async () => {
      shop = await openShop(t.wechat, t.sandbox, [{ price: 10000 }]);
      order = await buyTwo();
      t.sandbox.world.outbox.drain(); // giftcard_pay_done
    });

    it('a buyer sends the order to a friend who accepts it: the order names the accepter, the codes are theirs', async () => {
      await t.sandbox.control('orders/send', { order_id: order.order_id, openid: 'o_buyer' });
      expect(pushed(t.sandbox)).toEqual([
        expect.objectContaining({
          ToUserName: originalId(),
          FromUserName: 'o_buyer',
          Event: 'giftcard_send_to_friend',
          PageId: shop.pageId,
          OrderId: order.order_id,
          IsChatRoom: false,
          IsReturnBack: false,
        }),
      ]);
      const code = order.card_list[0]!.code;
      // On its way: GIFTING, not consumable, still the buyer's.
      await expect(t.wechat.client.code.getCode({ code })).resolves.toMatchObject({ openid: 'o_buyer', user_card_status: 'GIFTING', can_consume: false });
      await expect(t.wechat.client.code.consumeCode({ code })).rejects.toMatchObject({ errcode: 40097 });

      await t.sandbox.control('orders/accept', { order_id: order.order_id, openid: 'o_friend' });
      const events = pushed(t.sandbox);
      expect(events).toEqual([
        expect.objectContaining({ FromUserName: 'o_friend', Event: 'giftcard_user_accept', PageId: shop.pageId, OrderId: order.order_id, IsChatRoom: false }),
        ...order.card_list.map((c) =>
          expect.objectContaining({
            FromUserName: 'o_friend',
            Event: 'user_get_card',
            CardId: c.card_id,
            UserCardCode: c.code,
            IsGiveByFriend: true,
            FriendUserName: 'o_buyer',
            OldUserCardCode: '',
          }),
        ),
      ]);
      const got = (await t.wechat.client.order.getOrder({ order_id: order.order_id })).order;
      expect(got).toMatchObject({ open_id: 'o_buyer', accepter_openid: 'o_friend', IsChatRoom: false });
      for (const c of order.card_list) {
        await expect(t.wechat.client.code.getCode({ code: c.code })).resolves.toMatchObject({ openid: 'o_friend', user_card_status: 'NORMAL', can_consume: true });
      }
    });

    it('refuses what WeChat would not let happen', async () => {
      expect(await refusal(t.sandbox.control('orders/accept', { order_id: order.order_id, openid: 'o_friend' }))).toMatchObject({ errcode: 40097, message: expect.stringMatching(/not sent/) });
      expect(await refusal(t.sandbox.control('orders/send', { order_id: order.order_id, openid: 'o_someone' }))).toMatchObject({ errcode: 40097, message: expect.stringMatching(/only the buyer/) });
      expect(await refusal(t.sandbox.control('orders/send', { order_id: 'Znope' }))).toMatchObject({ errcode: 40097 });
      await t.sandbox.control('orders/send', { order_id: order.order_id });
      expect(await refusal(t.sandbox.control('orders/send', { order_id: order.order_id }))).toMatchObject({ errcode: 40097, message: expect.stringMatching(/sent already/) });
      expect(await refusal(t.sandbox.control('orders/accept', { order_id: order.order_id, openid: 'o_buyer' }))).toMatchObject({ errcode: 40097, message: expect.stringMatching(/own gift/) });
      await t.sandbox.control('orders/accept', { order_id: order.order_id, openid: 'o_friend' });
      expect(await refusal(t.sandbox.control('orders/accept', { order_id: order.order_id, openid: 'o_other' }))).toMatchObject({ errcode: 40097, message: expect.stringMatching(/accepted already/) });
      // Each refusal published nothing.
      expect(pushed(t.sandbox).map((e) => e.Event)).toEqual(['giftcard_send_to_friend', 'giftcard_user_accept', 'user_get_card', 'user_get_card']);
    });

    it('a consumed card cannot be sent', async () => {
      await t.wechat.client.code.consumeCode({ code: order.card_list[0]!.code });
      expect(await refusal(t.sandbox.control('orders/send', { order_id: order.order_id }))).toMatchObject({ errcode: 40099 });
    });

    it('sent to a group chat, each member takes one card, named per card in the order', async () => {
      await t.sandbox.control('orders/send', { order_id: order.order_id, is_chat_room: true });
      expect(pushed(t.sandbox)).toEqual([expect.objectContaining({ Event: 'giftcard_send_to_friend', IsChatRoom: true })]);
      await t.sandbox.control('orders/accept', { order_id: order.order_id, openid: 'o_member_1' });
      expect(await refusal(t.sandbox.control('orders/accept', { order_id: order.order_id, openid: 'o_member_1' }))).toMatchObject({ message: expect.stringMatching(/already took/) });
      await t.sandbox.control('orders/accept', { order_id: order.order_id, openid: 'o_member_2' });
      expect(await refusal(t.sandbox.control('orders/accept', { order_id: order.order_id, openid: 'o_member_3' }))).toMatchObject({ errcode: 40097 });
      const events = pushed(t.sandbox);
      expect(events.map((e) => [e.Event, e.FromUserName])).toEqual([
        ['giftcard_user_accept', 'o_member_1'],
        ['user_get_card', 'o_member_1'],
        ['giftcard_user_accept', 'o_member_2'],
        ['user_get_card', 'o_member_2'],
      ]);
      expect(events[0]).toMatchObject({ IsChatRoom: true });
      const got = (await t.wechat.client.order.getOrder({ order_id: order.order_id })).order;
      expect(got).toMatchObject({ IsChatRoom: true, accepter_openid: 'o_member_1' });
      expect(got.card_list.map((c) => c.accepter_openid)).toEqual(['o_member_1', 'o_member_2']);
      await expect(t.wechat.client.code.getCode({ code: got.card_list[1]!.code })).resolves.toMatchObject({ openid: 'o_member_2', user_card_status: 'NORMAL' });
    });

    it('a holder gives one card from the card pack: user_gifting_card, GIFTING, then user_get_card for the friend', async () => {
      const code = order.card_list[1]!.code;
      const cardId = order.card_list[1]!.card_id;
      expect(await refusal(t.sandbox.control('codes/gift', { code, openid: 'o_not_holder' }))).toMatchObject({ errcode: 40097 });
      await t.sandbox.control('codes/gift', { code, openid: 'o_buyer', friend_openid: 'o_friend' });
      expect(pushed(t.sandbox)).toEqual([
        expect.objectContaining({ FromUserName: 'o_buyer', Event: 'user_gifting_card', CardId: cardId, UserCardCode: code, IsReturnBack: false, FriendUserName: 'o_friend', IsChatRoom: false }),
      ]);
      await expect(t.wechat.client.code.getCode({ code })).resolves.toMatchObject({ openid: 'o_buyer', user_card_status: 'GIFTING', can_consume: false });
      // The order with a card on its way cannot be sent as a whole.
      expect(await refusal(t.sandbox.control('orders/send', { order_id: order.order_id }))).toMatchObject({ message: expect.stringMatching(/being given/) });
      expect(await refusal(t.sandbox.control('codes/accept', { code, openid: 'o_stranger' }))).toMatchObject({ message: expect.stringMatching(/another friend/) });

      await t.sandbox.control('codes/accept', { code, openid: 'o_friend' });
      expect(pushed(t.sandbox)).toEqual([
        expect.objectContaining({ FromUserName: 'o_friend', Event: 'user_get_card', CardId: cardId, UserCardCode: code, IsGiveByFriend: true, FriendUserName: 'o_buyer' }),
      ]);
      await expect(t.wechat.client.code.getCode({ code })).resolves.toMatchObject({ openid: 'o_friend', user_card_status: 'NORMAL', order_id: order.order_id });
      await expect(t.wechat.client.code.getCode({ code: order.card_list[0]!.code })).resolves.toMatchObject({ openid: 'o_buyer' });
      expect(await refusal(t.sandbox.control('codes/accept', { code, openid: 'o_friend' }))).toMatchObject({ message: expect.stringMatching(/not being given/) });
    });
  });

  describe('product homepages (000, 001 §1)', () => {
    const product = { keystandard: 'ean13', keystr: '6900873042720' };
    const createProduct = (brand_info: object = {}) => t.sandbox.control('products', { ...product, brand_info });

    it('a scan pushes user_scan_product; with the anti-counterfeit component also scan_product_callback', async () => {
      await createProduct({ module_info: { module_list: [{ type: 'anti_fake', native_show: 'true' }] } });
      const { ticket } = await t.sandbox.control<{ ticket: string }>('products/scan', { ...product, openid: 'o_user_a', extinfo: 'batch7', scene: 2, sex: 2, province: '浙江', city: '杭州' });
      expect(pushed(t.sandbox)).toEqual([
        expect.objectContaining({
          ToUserName: originalId(),
          FromUserName: 'o_user_a',
          Event: 'user_scan_product',
          KeyStandard: 'ean13',
          KeyStr: '6900873042720',
          Country: '中国',
          Province: '浙江',
          City: '杭州',
          Sex: 2,
          Scene: 2,
          ExtInfo: 'batch7',
        }),
        expect.objectContaining({ FromUserName: 'o_user_a', Event: 'scan_product_callback', KeyStandard: 'ean13', KeyStr: '6900873042720', ExtInfo: 'batch7', NeedAntiFake: true }),
      ]);
      await expect(t.wechat.client.scan.checkTicket({ ticket })).resolves.toMatchObject({ openid: 'o_user_a', scene: 2 });
    });

    it('without the component a scan pushes only user_scan_product; native_show off is NeedAntiFake false', async () => {
      await createProduct();
      await t.sandbox.control('products/scan', { ...product, openid: 'o_user_a' });
      expect(pushed(t.sandbox).map((e) => e.Event)).toEqual(['user_scan_product']);
      await t.sandbox.control('products', { keystandard: 'qrcode', keystr: 'antifake1', brand_info: { module_info: { module_list: [{ type: 'anti_fake' }] } } });
      await t.sandbox.control('products/scan', { keystandard: 'qrcode', keystr: 'antifake1', openid: 'o_user_a' });
      expect(pushed(t.sandbox)[1]).toMatchObject({ Event: 'scan_product_callback', NeedAntiFake: false });
    });

    it('following from the homepage pushes subscribe with the product EventKey, and later tickets say is_contact', async () => {
      await createProduct();
      const before = await t.sandbox.control<{ ticket: string }>('products/scan', { ...product, openid: 'o_user_a', extinfo: 'batch7' });
      await t.sandbox.control('products/subscribe', { ...product, openid: 'o_user_a', extinfo: 'batch7' });
      const subscribe = pushed(t.sandbox).at(-1)!;
      expect(subscribe).toMatchObject({ Event: 'subscribe', FromUserName: 'o_user_a' });
      expect(subscribe.Event === 'subscribe' && parseScanEventKey(subscribe.EventKey)).toEqual({ scene: 'scanbarcode', ...product, extinfo: 'batch7' });
      await expect(t.wechat.client.scan.checkTicket({ ticket: before.ticket })).resolves.toMatchObject({ is_contact: false });
      const after = await t.sandbox.control<{ ticket: string }>('products/scan', { ...product, openid: 'o_user_a', extinfo: 'batch7' });
      await expect(t.wechat.client.scan.checkTicket({ ticket: after.ticket })).resolves.toMatchObject({ is_contact: true });
    });

    it('entering the chat and the late location push', async () => {
      await createProduct();
      await t.sandbox.control('products/enter-session', { ...product, openid: 'o_user_a', extinfo: 'batch7' });
      await t.sandbox.control('products/location', { ...product, openid: 'o_user_a', extinfo: 'batch7', region_code: '330000' });
      expect(pushed(t.sandbox)).toEqual([
        expect.objectContaining({ Event: 'user_scan_product_enter_session', FromUserName: 'o_user_a', KeyStandard: 'ean13', KeyStr: '6900873042720', ExtInfo: 'batch7' }),
        expect.objectContaining({ Event: 'user_scan_product_async', FromUserName: 'o_user_a', KeyStandard: 'ean13', KeyStr: '6900873042720', ExtInfo: 'batch7', RegionCode: '330000' }),
      ]);
      expect(await refusal(t.sandbox.control('products/enter-session', { keystandard: 'ean13', keystr: 'unknown', openid: 'o_user_a' }))).toMatchObject({ errcode: 40097 });
    });

    it("WeChat's review verdict is pushed as user_scan_product_verify_action", async () => {
      await createProduct();
      await t.sandbox.control('products/review', { ...product, pass: false, reason: '图片不清晰' });
      await t.sandbox.control('products/review', { ...product, pass: true });
      expect(pushed(t.sandbox)).toEqual([
        expect.objectContaining({ Event: 'user_scan_product_verify_action', KeyStandard: 'ean13', KeyStr: '6900873042720', Result: 'verify_not_pass', ReasonMsg: '图片不清晰' }),
        expect.objectContaining({ Event: 'user_scan_product_verify_action', Result: 'verify_ok', ReasonMsg: '' }),
      ]);
      expect((await t.wechat.client.scan.getProduct(product)).brand_info.base_info?.status).toBe('on');
    });
  });
});
