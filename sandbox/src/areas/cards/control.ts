import type Router from '@koa/router';
import { z } from 'zod';
import type { ControlRoute } from '../../core/control-router';
import type { OutgoingEvent } from '../../core/outbox';
import type { SandboxWorld } from '../../world';

/**
 * What a WeChat user (or the merchant in WeChat's back offices) does around gift cards, as
 * `/sandbox/_control/*` actions. A refused action answers 409 with WeChat's errcode.
 */
export function registerCardControls(post: ControlRoute, router: Router, world: SandboxWorld): void {
  // A code as the holder's card bag shows it, refunded ones too (the API answers those 40056):
  // `GET /_control/codes/:code` → {code, balance, status, balance_records}; 404 for a code never issued.
  router.get('/_control/codes/:code', (ctx) => {
    const c = world.cards.ledger.findCode(ctx.params.code!);
    if (!c) {
      ctx.status = 404;
      ctx.body = { error: { code: 'not_found', message: `no code ${ctx.params.code}` } };
      return;
    }
    ctx.body = { code: c.code, balance: c.balance, status: c.status, balance_records: c.balance_records ?? [] };
  });

  // A user pays for cards on a shelf, having come in by the shelf link (optionally with outer_str): each
  // item with the theme, card face and blessing chosen (default the theme's first face and its message).
  // `send` buys to give away (送朋友): paid, then sent at once (§10.1, §10.2); a shelf without
  // support_buy_for_self sells nothing else (40097).
  post(
    '/_control/shelves/buy',
    z.object({
      openid: z.string().min(1),
      page_id: z.string().min(1),
      items: z
        .array(
          z.object({
            card_id: z.string().min(1),
            count: z.number().int().min(1).max(100),
            theme_index: z.number().int().min(0).optional(),
            pic_index: z.number().int().min(0).optional(),
            gifting_msg: z.string().min(1).optional(),
          }),
        )
        .min(1),
      outer_str: z.string().min(1).max(128).optional(),
      send: z.object({ is_chat_room: z.boolean().default(false) }).optional(),
    }),
    ({ send, ...purchase }, w) => {
      const order = w.cards.buy({ ...purchase, gift: send !== undefined });
      // §10.1: FromUserName is the buyer; the push is dated when the payment finished.
      w.emit('giftcard_pay_done', order.open_id, { PageId: order.page_id, OrderId: order.order_id }, order.pay_finish_time);
      if (send) {
        w.cards.gifts.sendOrder(order.order_id, order.open_id, send.is_chat_room, w.clock.now());
        w.emit('giftcard_send_to_friend', order.open_id, { PageId: order.page_id, OrderId: order.order_id, IsChatRoom: send.is_chat_room, IsReturnBack: false });
      }
      return order;
    },
  );

  // The buyer sends the order to a friend, or to a group chat (§10.2); its cards are GIFTING until accepted.
  post(
    '/_control/orders/send',
    z.object({ order_id: z.string().min(1), openid: z.string().min(1).optional(), is_chat_room: z.boolean().default(false) }),
    (s, w) => {
      const { order, giver } = w.cards.gifts.sendOrder(s.order_id, s.openid, s.is_chat_room, w.clock.now());
      const event = w.emit('giftcard_send_to_friend', giver, { PageId: order.page_id, OrderId: order.order_id, IsChatRoom: s.is_chat_room, IsReturnBack: false });
      return { order, event };
    },
  );

  // A friend accepts a sent order (§10.3): all its cards, or one card from a group chat. Each card
  // landing in the receiver's card pack is a user_get_card from that friend (§10.4).
  post('/_control/orders/accept', z.object({ order_id: z.string().min(1), openid: z.string().min(1) }), (a, w) => {
    const { order, giver, isChatRoom, received } = w.cards.gifts.acceptOrder(a.order_id, a.openid);
    const events: OutgoingEvent[] = [
      w.emit('giftcard_user_accept', a.openid, { PageId: order.page_id, OrderId: order.order_id, IsChatRoom: isChatRoom }),
      ...received.map((c) => emitGetCard(w, a.openid, c.card_id, c.code, giver)),
    ];
    return { order, events };
  });

  // A holder gives one card of their card pack to a friend (§10.4 "Gift giving"): it is GIFTING until taken.
  post(
    '/_control/codes/gift',
    z.object({ code: z.string().min(1), openid: z.string().min(1), friend_openid: z.string().min(1).optional(), is_chat_room: z.boolean().default(false) }),
    (g, w) => {
      const { code } = w.cards.gifts.giftCard(g.code, g.openid, g.friend_openid, g.is_chat_room, w.clock.now());
      const event = w.emit('user_gifting_card', g.openid, {
        CardId: code.card_id,
        UserCardCode: code.code,
        IsReturnBack: 0,
        FriendUserName: g.friend_openid ?? '',
        IsChatRoom: g.is_chat_room ? 1 : 0,
      });
      return { event };
    },
  );

  // The friend takes the given card: it moves to their card pack (§10.4 "Receive", IsGiveByFriend 1).
  post('/_control/codes/accept', z.object({ code: z.string().min(1), openid: z.string().min(1) }), (a, w) => {
    const { code, gift } = w.cards.gifts.acceptCard(a.code, a.openid);
    const event = emitGetCard(w, a.openid, code.card_id, code.code, gift.giver);
    return { event };
  });

  // A user taps a card button: the jump carries this instead of the code (§14.1).
  post('/_control/codes/encrypt', z.object({ code: z.string().min(1) }), ({ code }, w) => ({ encrypt_code: w.cards.ledger.encrypt(code) }));

  // WeChat's reviewers approve (or reject) a new shelf (002:679-683): until approved it sells only to test users.
  post('/_control/shelves/review', z.object({ page_id: z.string().min(1), result: z.enum(['approved', 'rejected']) }), ({ page_id, result }, w) => {
    const shelf = w.cards.shelves.review(page_id, result);
    return { page_id, review: shelf.review };
  });
  // The merchant whitelists WeChat users to test shelves under review (mp.weixin.qq.com "Set a voucher whitelist").
  post('/_control/shelves/testers', z.object({ openid: z.string().min(1) }), ({ openid }, w) => {
    w.cards.testers.add(openid);
    return { testers: [...w.cards.testers] };
  });
  // What a shelf still misses before it sells to anyone (the back offices' view): `{page_id, review, missing}`.
  router.get('/_control/shelves/:page_id/golive', (ctx) => {
    const shelf = world.cards.shelves.find(ctx.params.page_id!);
    if (!shelf) {
      ctx.status = 404;
      ctx.body = { error: { code: 'not_found', message: `no shelf with page_id ${ctx.params.page_id}` } };
      return;
    }
    ctx.body = { page_id: shelf.page_id, review: shelf.review, wxa_appid: shelf.wxa_appid ?? null, missing: world.cards.goLiveMissing(shelf) ?? null };
  });

  // The merchant opens the URL /card/giftcard/pay/whitelist/add answered and confirms (§8.1.2).
  post('/_control/pay/confirm', z.object({ sub_mch_id: z.string().min(1) }), ({ sub_mch_id }, w) => {
    w.cards.pay.confirm(sub_mch_id);
    return { sub_mch_id, status: w.cards.pay.status(sub_mch_id) };
  });
}

/** §10.4 "Receive": a card from a friend landed in `receiver`'s card pack; the code is unchanged (OldUserCardCode empty). */
function emitGetCard(w: SandboxWorld, receiver: string, cardId: string, code: string, giver: string): OutgoingEvent {
  return w.emit('user_get_card', receiver, { CardId: cardId, IsGiveByFriend: 1, UserCardCode: code, FriendUserName: giver, OldUserCardCode: '' });
}
