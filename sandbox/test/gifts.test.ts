import type { GiftCardOrder } from '@giftcard/shared';
import { pushed } from './pushed';
import { buy, openShop, refusal } from '../../bff/test/support/giftcards';
import { useSandboxWechat } from '../../bff/test/support/wechat';

const DAY = 24 * 60 * 60;

describe('gifts as WeChat keeps them (002 §10)', () => {
  const t = useSandboxWechat();
  let shop: { pageId: string; cardIds: string[] };
  const status = async (code: string) => (await t.wechat.client.code.getCode({ code })) as { openid: string; user_card_status: string; can_consume: boolean };

  beforeEach(async () => {
    shop = await openShop(t.wechat, t.sandbox, [{ price: 10000 }]);
  });

  describe('the 24-hour return (002:1453, §10.4)', () => {
    let order: GiftCardOrder;
    beforeEach(async () => {
      order = await buy(t.sandbox, { openid: 'o_giver', page_id: shop.pageId, items: [{ card_id: shop.cardIds[0]!, count: 2 }] });
      t.sandbox.world.outbox.drain();
    });

    it('an order nobody accepted comes back after 24 hours: IsReturnBack, GIFT_TIMEOUT, then NORMAL with the giver and the normal re-collect', async () => {
      await t.sandbox.control('orders/send', { order_id: order.order_id, openid: 'o_giver' });
      t.sandbox.world.outbox.drain();
      const [first, second] = order.card_list.map((c) => c.code) as [string, string];

      await t.sandbox.control('clock/advance', { seconds: DAY - 10 });
      expect(await status(first)).toMatchObject({ user_card_status: 'GIFTING' });
      expect(pushed(t.sandbox)).toEqual([]);

      await t.sandbox.control('clock/advance', { seconds: 10 });
      expect(pushed(t.sandbox)).toEqual([
        expect.objectContaining({ Event: 'giftcard_send_to_friend', FromUserName: 'o_giver', OrderId: order.order_id, PageId: shop.pageId, IsReturnBack: true, IsChatRoom: false }),
      ]);
      expect(await status(first)).toMatchObject({ user_card_status: 'GIFT_TIMEOUT', openid: 'o_giver', can_consume: false });
      // Too late to accept.
      expect(await refusal(t.sandbox.control('orders/accept', { order_id: order.order_id, openid: 'o_friend' }))).toMatchObject({ errcode: 40097 });

      await t.sandbox.control('clock/advance', { seconds: 60 });
      const back = pushed(t.sandbox);
      expect(back).toEqual(
        [first, second].map((code) =>
          expect.objectContaining({ Event: 'user_get_card', FromUserName: 'o_giver', CardId: shop.cardIds[0], UserCardCode: code, IsGiveByFriend: false, FriendUserName: '' }),
        ),
      );
      for (const code of [first, second]) expect(await status(code)).toMatchObject({ user_card_status: 'NORMAL', openid: 'o_giver', can_consume: true });
      // The order was never accepted: the giver may send it again.
      await t.sandbox.control('orders/send', { order_id: order.order_id, openid: 'o_giver' });
      expect(await status(first)).toMatchObject({ user_card_status: 'GIFTING' });
    });

    it('from a group chat, only the cards nobody took come back', async () => {
      await t.sandbox.control('orders/send', { order_id: order.order_id, openid: 'o_giver', is_chat_room: true });
      await t.sandbox.control('orders/accept', { order_id: order.order_id, openid: 'o_member' });
      t.sandbox.world.outbox.drain();
      await t.sandbox.control('clock/advance', { seconds: DAY });
      await t.sandbox.control('clock/advance', { seconds: 60 });
      const events = pushed(t.sandbox);
      expect(events.map((e) => e.Event)).toEqual(['giftcard_send_to_friend', 'user_get_card']);
      expect(events[0]).toMatchObject({ IsReturnBack: true, IsChatRoom: true });
      const [taken, left] = order.card_list.map((c) => c.code) as [string, string];
      expect(await status(taken)).toMatchObject({ user_card_status: 'NORMAL', openid: 'o_member' });
      expect(await status(left)).toMatchObject({ user_card_status: 'NORMAL', openid: 'o_giver' });
    });

    it('a card given from the card pack comes back too (user_gifting_card IsReturnBack 1)', async () => {
      const code = order.card_list[0]!.code;
      await t.sandbox.control('codes/gift', { code, openid: 'o_giver', friend_openid: 'o_friend' });
      t.sandbox.world.outbox.drain();
      await t.sandbox.control('clock/advance', { seconds: DAY });
      expect(pushed(t.sandbox)).toEqual([
        expect.objectContaining({ Event: 'user_gifting_card', FromUserName: 'o_giver', UserCardCode: code, IsReturnBack: true, FriendUserName: 'o_friend' }),
      ]);
      expect(await status(code)).toMatchObject({ user_card_status: 'GIFT_TIMEOUT', openid: 'o_giver' });
      expect(await refusal(t.sandbox.control('codes/accept', { code, openid: 'o_friend' }))).toMatchObject({ errcode: 40097 });
      await t.sandbox.control('clock/advance', { seconds: 60 });
      expect(pushed(t.sandbox)).toEqual([expect.objectContaining({ Event: 'user_get_card', FromUserName: 'o_giver', UserCardCode: code, IsGiveByFriend: false })]);
      expect(await status(code)).toMatchObject({ user_card_status: 'NORMAL', openid: 'o_giver' });
    });

    it('a gift accepted in time does not come back', async () => {
      await t.sandbox.control('orders/send', { order_id: order.order_id, openid: 'o_giver' });
      await t.sandbox.control('orders/accept', { order_id: order.order_id, openid: 'o_friend' });
      t.sandbox.world.outbox.drain();
      await t.sandbox.control('clock/advance', { seconds: 2 * DAY });
      expect(pushed(t.sandbox)).toEqual([]);
      expect(await status(order.card_list[0]!.code)).toMatchObject({ user_card_status: 'NORMAL', openid: 'o_friend' });
    });
  });

  describe('buying for oneself (§7.2 support_buy_for_self, default false)', () => {
    it('a shelf without it sells only purchases given away: paid, then sent at once', async () => {
      const giftsOnly = await openShop(t.wechat, t.sandbox, [{}], { support_buy_for_self: false });
      const items = [{ card_id: giftsOnly.cardIds[0]!, count: 1 }];
      const kept = await refusal(buy(t.sandbox, { openid: 'o_buyer', page_id: giftsOnly.pageId, items }));
      expect(kept).toMatchObject({ errcode: 40097, message: expect.stringMatching(/support_buy_for_self/) });
      expect(t.sandbox.world.outbox.drain()).toEqual([]);

      const order = await t.sandbox.control<GiftCardOrder>('shelves/buy', { openid: 'o_buyer', page_id: giftsOnly.pageId, items, send: {} });
      expect(pushed(t.sandbox)).toEqual([
        expect.objectContaining({ Event: 'giftcard_pay_done', OrderId: order.order_id }),
        expect.objectContaining({ Event: 'giftcard_send_to_friend', OrderId: order.order_id, IsReturnBack: false }),
      ]);
      expect(await status(order.card_list[0]!.code)).toMatchObject({ user_card_status: 'GIFTING' });
    });

    it('a shelf with it sells both', async () => {
      const items = [{ card_id: shop.cardIds[0]!, count: 1 }];
      await expect(buy(t.sandbox, { openid: 'o_buyer', page_id: shop.pageId, items })).resolves.toMatchObject({ open_id: 'o_buyer' });
      await expect(t.sandbox.control('shelves/buy', { openid: 'o_buyer', page_id: shop.pageId, items, send: { is_chat_room: true } })).resolves.toMatchObject({ IsChatRoom: true });
    });
  });

  describe('the order records what the buyer chose (§9.1 card_list)', () => {
    it('the card face and the blessing: the chosen face, its default message or the buyer\'s own', async () => {
      const card_id = shop.cardIds[0]!;
      const order = await t.sandbox.control<GiftCardOrder>('shelves/buy', {
        openid: 'o_buyer',
        page_id: shop.pageId,
        items: [
          { card_id, count: 1, pic_index: 1 },
          { card_id, count: 1, pic_index: 1, gifting_msg: '新年快乐，万事如意' },
          { card_id, count: 1 },
        ],
      });
      expect(order.card_list.map((c) => [c.background_pic_url, c.default_gifting_msg, c.outer_img_id])).toEqual([
        ['http://mmbiz.qpic.cn/mmbiz_jpg/face2/0', '祝福语2', undefined],
        ['http://mmbiz.qpic.cn/mmbiz_jpg/face2/0', '新年快乐，万事如意', undefined],
        ['http://mmbiz.qpic.cn/mmbiz_jpg/face1/0', '祝福语1', 'outer_img_id_1'],
      ]);
      // order/get answers the same.
      const { order: read } = await t.wechat.client.order.getOrder({ order_id: order.order_id });
      expect(read.card_list.map((c) => c.default_gifting_msg)).toEqual(['祝福语2', '新年快乐，万事如意', '祝福语1']);
      // code/get shows the chosen face.
      expect(await t.wechat.client.code.getCode({ code: order.card_list[0]!.code })).toMatchObject({ background_pic_url: 'http://mmbiz.qpic.cn/mmbiz_jpg/face2/0' });
      const noFace = await refusal(t.sandbox.control('shelves/buy', { openid: 'o_buyer', page_id: shop.pageId, items: [{ card_id, count: 1, pic_index: 5 }] }));
      expect(noFace).toMatchObject({ errcode: 40097, message: expect.stringMatching(/no card face 5/) });
    });
  });
});
