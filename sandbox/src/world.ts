import { WECHAT_EVENTS, type WechatEventName, type WireEventOf, type WireFieldsOf } from '@giftcard/shared';
import { MiniProgramLogins } from './areas/auth/logins';
import { CardWorld } from './areas/cards/state';
import { InvoiceWorld } from './areas/invoice/state';
import { MediaStore } from './areas/media/state';
import { ScanState } from './areas/scan/state';
import { SubmerchantWorld } from './areas/submerchant/state';
import { CallCounter } from './core/calls';
import { SandboxClock } from './core/clock';
import { FaultInjector } from './core/faults';
import { EventOutbox } from './core/outbox';
import { TokenRegistry } from './core/tokens';
import { startPusher, type CallbackPusher } from './pusher';
import type { SandboxConfig } from './config';

/**
 * Everything the emulated WeChat knows. In memory: the sandbox is one process standing in for
 * WeChat, and a restart is a fresh WeChat account.
 */
export class SandboxWorld {
  readonly clock = new SandboxClock();
  readonly calls = new CallCounter();
  readonly faults = new FaultInjector();
  /** Event pushes waiting for (or handed to) the callback pusher. */
  readonly outbox = new EventOutbox();
  readonly tokens: TokenRegistry;
  readonly logins = new MiniProgramLogins();
  /** Gift cards, shelves, pay access, orders and codes (spec 002). */
  readonly cards = new CardWorld(this.clock);
  readonly scan: ScanState;
  /** Invoicing after payment (002 §12.2.2): authorizations per order, so orders come from `cards`. */
  readonly invoice: InvoiceWorld = new InvoiceWorld(this.clock, (orderId) => this.cards.orderBuyer(orderId), (orderId) => this.cards.orderNeedsReceipt(orderId) === true);
  /** Uploaded images (002 §6.1), served where the upload said. */
  readonly media = new MediaStore();
  /** Third-party sub-merchants (003 §1). */
  readonly submerchant: SubmerchantWorld = new SubmerchantWorld(this.clock);
  /** Delivers the outbox to the callback URL (`config.callback`, or `startPusher`); none: events wait. */
  pusher: CallbackPusher | undefined;

  constructor(readonly config: SandboxConfig) {
    this.tokens = new TokenRegistry(this.clock, config.tokenTtlSeconds);
    this.scan = new ScanState(this.clock, () => this.config.ticketTtlSeconds);
    if (config.callback) startPusher(this, config.callback);
  }

  /**
   * WeChat's own timers, run at the sandbox clock's time before each call and user action and when the
   * clock moves: a gift nobody accepted within 24 hours times out and comes back to the giver (002 §10.4),
   * pushed as giftcard_send_to_friend / user_gifting_card with IsReturnBack true, then, once back in the
   * card pack, the normal re-collect user_get_card (IsGiveByFriend 0).
   */
  tick(): void {
    const swept = this.cards.gifts.sweep(this.clock.now());
    for (const { order, giver, isChatRoom } of swept.orders) {
      this.emit('giftcard_send_to_friend', giver, { PageId: order.page_id, OrderId: order.order_id, IsChatRoom: isChatRoom, IsReturnBack: true });
    }
    for (const { code, gift } of swept.cards) {
      this.emit('user_gifting_card', gift.giver, { CardId: code.card_id, UserCardCode: code.code, IsReturnBack: 1, FriendUserName: gift.friend ?? '', IsChatRoom: gift.isChatRoom ? 1 : 0 });
    }
    for (const c of swept.restored) {
      this.emit('user_get_card', c.openid, { CardId: c.card_id, IsGiveByFriend: 0, UserCardCode: c.code, FriendUserName: '', OldUserCardCode: '' });
    }
  }

  /**
   * The sandbox's typed emitter: WeChat pushes the event `name` (of the event table, with exactly
   * the fields the table gives it) from `from`, whoever acted, to the Service Account, at the
   * sandbox clock's time unless `createTime` says otherwise. Published to the outbox, and returned.
   */
  emit<N extends WechatEventName>(name: N, from: string, fields: WireFieldsOf<N>, createTime = this.clock.now()): WireEventOf<N> {
    const event = WECHAT_EVENTS.wireEvent(name, { ToUserName: this.config.serviceAccount.originalId, FromUserName: from, CreateTime: createTime }, fields);
    this.outbox.publish(event);
    return event;
  }
}
