import type { GiftCardOrder } from '@giftcard/shared';
import { WechatFault, invalidArgs } from '../../core/fault';
import { newCode, newEncryptCode, newOrderId, unique } from './ids';

/** REFUNDED: the card left the user's card pack with the refund (§12.2.1); WeChat no longer knows the code. */
export type CodeStatus = 'NORMAL' | 'CONSUMED' | 'REFUNDED';

/** A purchased card: one code, its holder and balance (§11). Money in fen, times Unix seconds. */
export interface SandboxCode {
  code: string;
  card_id: string;
  order_id: string;
  /** The current holder: the buyer, or the friend who accepted the gift. */
  openid: string;
  balance: number;
  bonus: number;
  status: CodeStatus;
  begin_time: number;
  /** None for a card valid permanently. */
  end_time?: number;
  background_pic_url: string;
  can_give_friend: boolean;
  custom_field_values: { 1?: string; 2?: string; 3?: string };
  /** The consumption records the card bag lists: one per balance update carrying `record_balance` (§11.2), oldest first. */
  balance_records?: BalanceRecord[];
}

/** One line of the card's record in the user's card bag: the merchant's text, the balance after, when (sandbox clock). */
export interface BalanceRecord {
  text: string;
  balance: number;
  at: number;
}

export interface SandboxOrder {
  /** As /card/giftcard/order/get answers it (§9.1). */
  order: GiftCardOrder;
  refunded_at?: number;
  /** The shelf's need_receipt when the order was paid (002 §7.2: "whether the order of the shelf supports invoicing"). */
  need_receipt: boolean;
}

/** Orders, their codes, and the encrypt_code tokens standing for codes in jumps (§14.1). */
export class Ledger {
  private orders = new Map<string, SandboxOrder>();
  private codes = new Map<string, SandboxCode>();
  private encrypted = new Map<string, string>();

  newOrderId(): string {
    return unique(newOrderId, (id) => this.orders.has(id));
  }

  newCode(taken: Set<string> = new Set()): string {
    return unique(newCode, (c) => this.codes.has(c) || taken.has(c));
  }

  add(order: GiftCardOrder, codes: SandboxCode[], needReceipt = false): SandboxOrder {
    const entry: SandboxOrder = { order, need_receipt: needReceipt };
    this.orders.set(order.order_id, entry);
    for (const c of codes) this.codes.set(c.code, c);
    return entry;
  }

  findOrder(orderId: string): SandboxOrder | undefined {
    return this.orders.get(orderId);
  }

  /** The order, or 40097 naming the unknown order_id. */
  order(orderId: string): SandboxOrder {
    const entry = this.orders.get(orderId);
    if (!entry) throw invalidArgs(`no order ${orderId}`);
    return entry;
  }

  /** Orders created in [begin, end] (both inclusive), by creation time (§9.2 sort_type). */
  ordersCreatedBetween(begin: number, end: number, sort: 'ASC' | 'DESC'): GiftCardOrder[] {
    const found = [...this.orders.values()].map((o) => o.order).filter((o) => o.create_time >= begin && o.create_time <= end);
    // Map order is purchase order, so a stable sort keeps purchases of the same second in order.
    found.sort((a, b) => a.create_time - b.create_time);
    return sort === 'ASC' ? found : found.reverse();
  }

  codesOf(orderId: string): SandboxCode[] {
    return [...this.codes.values()].filter((c) => c.order_id === orderId);
  }

  /** The code whatever became of it (refunded too), for `_control` views; undefined when never issued. */
  findCode(code: string): SandboxCode | undefined {
    return this.codes.get(code);
  }

  /**
   * The code WeChat still knows, or 40056: unknown, not of `cardId` when given, or removed by a
   * refund. Whether it was consumed is the caller's question (40099).
   */
  code(code: string, cardId?: string): SandboxCode {
    const c = this.codes.get(code);
    if (!c) throw new WechatFault(40056, `invalid code: ${code} does not exist`);
    if (cardId !== undefined && c.card_id !== cardId) throw new WechatFault(40056, `invalid code: ${code} does not belong to card ${cardId}`);
    if (c.status === 'REFUNDED') throw new WechatFault(40056, `invalid code: ${code} was removed by the refund of order ${c.order_id}`);
    return c;
  }

  /** A fresh encrypt_code for the code, as a card-button jump carries (§14.1). */
  encrypt(code: string): string {
    this.code(code);
    const token = unique(newEncryptCode, (t) => this.encrypted.has(t));
    this.encrypted.set(token, code);
    return token;
  }

  /** The code behind an encrypt_code, or 40056. */
  decrypt(encryptCode: string): string {
    const code = this.encrypted.get(encryptCode);
    if (code === undefined) throw new WechatFault(40056, 'invalid code: unknown encrypt_code');
    return code;
  }
}
