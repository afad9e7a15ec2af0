import type { codeEndpoints } from '@giftcard/shared';
import type { AreaHandlers } from '../../core/handler';
import { WechatFault, invalidArgs } from '../../core/fault';
import type { SandboxCode } from '../cards/ledger';

/**
 * Spec 002 §11 and the decrypt interface (spec README). An unknown code, a code of another card, or
 * a code removed by a refund is 40056; a consumed one 40099.
 */
export const codeHandlers: AreaHandlers<typeof codeEndpoints> = {
  decryptCode: (req, { world }) => ({ code: world.cards.ledger.decrypt(req.encrypt_code) }),
  getCode: (req, { world }) => {
    const c = world.cards.ledger.code(req.code, req.card_id);
    if (c.status === 'CONSUMED' && req.check_consume !== false) throw consumed(c);
    const now = world.clock.now();
    const expired = c.end_time !== undefined && now > c.end_time;
    // A card on its way to a friend (002 §10) is GIFTING until accepted; unclaimed after 24 hours it is
    // GIFT_TIMEOUT, held by the giver, until it is back in their card pack (§10.4).
    const gifts = world.cards.gifts;
    const status = c.status === 'CONSUMED' ? 'CONSUMED' : gifts.isGifting(c.code) ? 'GIFTING' : gifts.isTimedOut(c.code) ? 'GIFT_TIMEOUT' : expired ? 'EXPIRE' : 'NORMAL';
    return {
      card: {
        card_id: c.card_id,
        begin_time: c.begin_time,
        ...(c.end_time !== undefined && { end_time: c.end_time }),
        ...(c.bonus !== 0 && { bonus: c.bonus }),
        balance: c.balance,
        code: c.code,
        card_number: c.code,
      },
      openid: c.openid,
      can_consume: status === 'NORMAL' && world.cards.inValidity(c, now),
      user_card_status: status,
      order_id: c.order_id,
      background_pic_url: c.background_pic_url,
    };
  },
  updateUserBalance: (req, { world }) => {
    const c = world.cards.ledger.code(req.code, req.card_id);
    if (c.status === 'CONSUMED') throw consumed(c);
    const balance = req.balance ?? c.balance + (req.add_balance ?? 0);
    if (balance < 0) throw invalidArgs(`balance cannot go below 0: ${c.balance} + ${req.add_balance} fen`);
    const bonus = req.bonus ?? c.bonus + (req.add_bonus ?? 0);
    if (bonus < 0) throw invalidArgs(`bonus cannot go below 0: ${c.bonus} + ${req.add_bonus}`);
    // Checked everything first: a refused update changes nothing.
    c.balance = balance;
    c.bonus = bonus;
    if (req.background_pic_url !== undefined) c.background_pic_url = req.background_pic_url;
    if (req.can_give_friend !== undefined) c.can_give_friend = req.can_give_friend;
    if (req.custom_field_value1 !== undefined) c.custom_field_values[1] = req.custom_field_value1;
    if (req.custom_field_value2 !== undefined) c.custom_field_values[2] = req.custom_field_value2;
    if (req.custom_field_value3 !== undefined) c.custom_field_values[3] = req.custom_field_value3;
    // The card bag shows the merchant's text beside the balance it left (tests read it via _control/codes).
    if (req.record_balance !== undefined) (c.balance_records ??= []).push({ text: req.record_balance, balance: c.balance, at: world.clock.now() });
    return { result_bonus: c.bonus, result_balance: c.balance, openid: c.openid };
  },
  consumeCode: (req, { world }) => {
    const c = world.cards.ledger.code(req.code, req.card_id);
    if (c.status === 'CONSUMED') throw consumed(c);
    if (!world.cards.inValidity(c)) throw invalidArgs(`code ${c.code} is outside its validity and cannot be consumed`);
    if (world.cards.gifts.isGifting(c.code)) throw invalidArgs(`code ${c.code} is being given to a friend (GIFTING) and cannot be consumed`);
    if (world.cards.gifts.isTimedOut(c.code)) throw invalidArgs(`code ${c.code} is on its way back to the card pack (GIFT_TIMEOUT) and cannot be consumed`);
    c.status = 'CONSUMED';
    return {};
  },
};

function consumed(c: SandboxCode): WechatFault {
  return new WechatFault(40099, `invalid code: ${c.code} has been consumed`);
}
