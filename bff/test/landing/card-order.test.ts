import type { GiftCardOrder } from '@giftcard/shared';
import { startBff } from '../support/app';
import { buy, openShop } from '../support/giftcards';
import type { TestSandbox } from '../support/sandbox';
import { expectSecurityHeaders, get, postForm, q, visibleText, type Bff } from './helpers';

describe('card and order landing pages (card-button jump, shelf-cell jump)', () => {
  let bff: Bff;
  let order: GiftCardOrder;
  let cardId: string;
  beforeEach(async () => {
    bff = await startBff();
    const shop = await openShop(bff.wechat, bff as unknown as TestSandbox, [{ price: 123456 }]);
    cardId = shop.cardIds[0]!;
    order = await buy(bff as unknown as TestSandbox, { openid: 'o_buyer', page_id: shop.pageId, items: [{ card_id: cardId, count: 2 }] });
  });
  afterEach(() => bff.close());

  async function cardPath(openid: string, code = order.card_list[0]!.code, card = cardId) {
    const { encrypt_code } = await bff.control<{ encrypt_code: string }>('codes/encrypt', { code });
    return `/landing/card?${q({ encrypt_code, card_id: card, openid, outer_str: 'moments' })}`;
  }

  describe('GET /landing/card', () => {
    it("shows the holder's card: balance through formatFen and validity", async () => {
      const r = await get(bff, await cardPath('o_buyer'));
      expect(r.status).toBe(200);
      expectSecurityHeaders(r);
      expect(r.text).toContain('¥1,234.56');
      expect(r.text).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 至 \d{4}年\d{1,2}月\d{1,2}日/);
      expect(r.text).toContain(order.card_list[0]!.code); // the holder's own code (the policy)
      expect(r.text).toContain('可使用');
      // The merchant's channel value (outer_str), the card_id and the openid are not the consumer's to read.
      expect(r.text).not.toContain('moments');
      expect(r.text).not.toContain(cardId);
      expect(visibleText(r.text)).not.toContain('o_buyer');
    });

    it('WeChat busy reading the card: 服务繁忙 with 重试 to the same link', async () => {
      const path = await cardPath('o_buyer');
      await bff.control('faults', { endpoint: 'code.getCode', errcode: -1, times: 4 });
      const r = await get(bff, path);
      expect(r.status).toBe(503);
      expectSecurityHeaders(r);
      expect(r.text).toContain('服务繁忙');
      expect(r.text).toContain(`href="${path.replace(/=/g, '&#61;').replace(/&(?!#61;)/g, '&amp;')}">重试</a>`);
    });

    it('shows a card of a refunded order as 已退款 to its holder, no balance; to nobody else', async () => {
      const path = await cardPath('o_buyer');
      const stranger = await cardPath('o_stranger');
      const admin = await fetch(`${bff.origin}/admin/orders/${order.order_id}/refund`, { method: 'POST', headers: { Authorization: `Bearer ${bff.config.adminToken}` } });
      expect(admin.status).toBe(200);
      const r = await get(bff, path);
      expect(r.status).toBe(200);
      expectSecurityHeaders(r);
      expect(r.text).toContain('已退款');
      expect(r.text).not.toContain('可使用');
      expect(r.text).not.toContain('余额');
      const other = await get(bff, stranger);
      expect(other.status).toBe(404);
      expect(other.text).not.toContain('已退款');
    });

    it("gives another openid nothing of the holder's card (IDOR)", async () => {
      const r = await get(bff, await cardPath('o_stranger'));
      expect(r.status).toBe(403);
      expect(r.text).toContain('这张卡不在你的卡包中');
      expect(r.text).not.toContain('o_stranger');
      expect(r.text).not.toContain('¥1,234.56');
      expect(r.text).not.toContain(order.card_list[0]!.code);
      expect(r.text).not.toContain('o_buyer');
      expectSecurityHeaders(r);
    });

    it('refuses an unknown encrypt_code, a code of another card and missing parameters', async () => {
      const unknown = await get(bff, `/landing/card?${q({ encrypt_code: 'bm9wZQ==', card_id: cardId, openid: 'o_buyer' })}`);
      expect(unknown.status).toBe(404);
      expect(unknown.text).toContain('卡券无法识别');
      expect(unknown.text).not.toContain(cardId);
      expectSecurityHeaders(unknown);
      const otherCard = await get(bff, await cardPath('o_buyer', order.card_list[0]!.code, 'pOtherCard'));
      expect(otherCard.status).toBe(404);
      expect(otherCard.text).not.toContain('¥1,234.56');
      const missing = await get(bff, `/landing/card?${q({ card_id: cardId, openid: 'o_buyer' })}`);
      expect(missing.status).toBe(400);
      expect(missing.text).toContain('链接不完整');
    });
  });

  describe('GET /landing/order', () => {
    const orderPath = (openid: string, id = order.order_id) => `/landing/order?${q({ order_id: id, openid })}`;

    it('shows the order to its buyer, with the invoice form reachable', async () => {
      const r = await get(bff, orderPath('o_buyer'));
      expect(r.status).toBe(200);
      expectSecurityHeaders(r);
      expect(r.text).toContain(order.order_id);
      expect(r.text).toContain('¥2,469.12');
      expect(r.text).toContain('我购买的');
      expect(r.text).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
      expect(r.text).toContain(`href="/landing/order/invoice?order_id${'&#61;'}`);
    });

    it('says 已支付, and 已退款 once the order is refunded', async () => {
      expect((await get(bff, orderPath('o_buyer'))).text).toContain('已支付');
      const admin = await fetch(`${bff.origin}/admin/orders/${order.order_id}/refund`, { method: 'POST', headers: { Authorization: `Bearer ${bff.config.adminToken}` } });
      expect(admin.status).toBe(200);
      const r = await get(bff, orderPath('o_buyer'));
      expect(r.status).toBe(200);
      expect(r.text).toContain('id="order-state">已退款</div>');
      expectSecurityHeaders(r);
      expect(r.text).toContain('本订单已退款');
      expect(r.text).not.toContain('已支付');
    });

    it('gives another openid, and an unknown order, the same refusal (IDOR)', async () => {
      const r = await get(bff, orderPath('o_stranger'));
      expect(r.status).toBe(403);
      expect(r.text).toContain('无法查看订单');
      expect(r.text).not.toContain('¥');
      expect(r.text).not.toContain('o_buyer');
      expect(r.text).not.toContain(order.order_id);
      expect(r.text).not.toContain('invoice');
      expectSecurityHeaders(r);
      const unknown = await get(bff, orderPath('o_buyer', 'no-such-order'));
      expect(unknown.status).toBe(403);
      expect(unknown.text).toContain('无法查看订单');
    });

    it('shows the order to the friend who accepted it, without the total or the invoice', async () => {
      await bff.control('orders/send', { order_id: order.order_id, openid: 'o_buyer' });
      await bff.control('orders/accept', { order_id: order.order_id, openid: 'o_friend' });
      const r = await get(bff, orderPath('o_friend'));
      expect(r.status).toBe(200);
      expect(r.text).toContain('好友赠送');
      expectSecurityHeaders(r);
      expect(r.text).not.toContain('¥2,469.12');
      expect(r.text).not.toContain('/landing/order/invoice');
      expect((await get(bff, `/landing/order/invoice?${q({ order_id: order.order_id, openid: 'o_friend' })}`)).status).toBe(403);
    });

    it('shows each group-chat accepter only the card they took', async () => {
      await bff.control('orders/send', { order_id: order.order_id, openid: 'o_buyer', is_chat_room: true });
      for (const member of ['o_member1', 'o_member2']) {
        await bff.control('orders/accept', { order_id: order.order_id, openid: member });
        const r = await get(bff, orderPath(member));
        expect(r.status).toBe(200);
        expect(r.text).toContain('礼品卡（1 张）');
        expect(r.text).not.toContain('¥2,469.12');
      }
      expect((await get(bff, orderPath('o_member3'))).status).toBe(403);
    });
  });

  describe('invoice form', () => {
    const formPath = (openid: string) => `/landing/order/invoice?${q({ order_id: order.order_id, openid })}`;
    const hidden = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)![1]!.replace(/&#61;/g, '=');

    it('stores a valid request', async () => {
      const form = await get(bff, formPath('o_buyer'));
      expect(form.status).toBe(200);
      expectSecurityHeaders(form);
      expect(form.text).toContain('<form method="post" action="/landing/order/invoice">');
      const r = await postForm(bff, '/landing/order/invoice', {
        order_id: hidden(form.text, 'order_id'),
        openid: hidden(form.text, 'openid'),
        csrf: hidden(form.text, 'csrf'),
        type: 'company',
        title: '腾讯科技（深圳）有限公司',
        tax_no: '91440300708461136T',
        email: 'finance@example.com',
      });
      expect(r.status).toBe(200);
      expect(r.text).toContain('发票申请已提交');
      expectSecurityHeaders(r);
      const stored = JSON.parse((await bff.db.redis.get(bff.db.keys.invoiceRequest(order.order_id)))!);
      expect(stored).toMatchObject({ order_id: order.order_id, openid: 'o_buyer', type: 'company', title: '腾讯科技（深圳）有限公司', tax_no: '91440300708461136T', email: 'finance@example.com' });
    });

    it('a shelf the merchant sent with need_receipt false: no invoice link, the form and a post refused (002 §12.2.2)', async () => {
      const form = await get(bff, formPath('o_buyer'));
      const csrf = hidden(form.text, 'csrf');
      const upd = await fetch(`${bff.origin}/admin/shelves/${encodeURIComponent(order.page_id)}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${bff.config.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ need_receipt: false }),
      });
      expect(upd.status).toBe(200);
      const page = await get(bff, `/landing/order?${q({ order_id: order.order_id, openid: 'o_buyer' })}`);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('/landing/order/invoice');
      const refused = await get(bff, formPath('o_buyer'));
      expect(refused.status).toBe(409);
      expect(refused.text).toContain('该礼品卡不支持开具发票');
      const posted = await postForm(bff, '/landing/order/invoice', { order_id: order.order_id, openid: 'o_buyer', csrf, type: 'personal', title: '张三', email: 'z@example.com' });
      expect(posted.status).toBe(409);
      expect(await bff.db.redis.get(bff.db.keys.invoiceRequest(order.order_id))).toBeNull();
    });

    it('re-shows the form for invalid input (a company without a tax number)', async () => {
      const form = await get(bff, formPath('o_buyer'));
      const r = await postForm(bff, '/landing/order/invoice', {
        order_id: order.order_id,
        openid: 'o_buyer',
        csrf: hidden(form.text, 'csrf'),
        type: 'company',
        title: '某公司',
        tax_no: '',
        email: 'not-an-email',
      });
      expect(r.status).toBe(400);
      expect(r.text).toContain('请检查：税号、接收邮箱');
      expect(r.text).toContain('value="某公司"');
      expect(await bff.db.redis.get(bff.db.keys.invoiceRequest(order.order_id))).toBeNull();
    });

    it('refuses a bad, foreign or missing CSRF token, a non-form body and the form for a stranger', async () => {
      const form = await get(bff, formPath('o_buyer'));
      const good = { order_id: order.order_id, openid: 'o_buyer', type: 'personal', title: '张三', email: 'z@example.com' };
      const token = hidden(form.text, 'csrf');
      for (const csrf of [undefined, '', 'x', `${token}x`, token.replace(/^\d+/, (n) => String(Number(n) - 1))]) {
        const r = await postForm(bff, '/landing/order/invoice', csrf === undefined ? good : { ...good, csrf });
        expect(r.status).toBe(403);
        expect(r.text).toContain('表单已失效');
      }
      // A token issued for the buyer does not sign a post as someone else.
      expect((await postForm(bff, '/landing/order/invoice', { ...good, openid: 'o_stranger', csrf: token })).status).toBe(403);
      expect((await postForm(bff, '/landing/order/invoice', { ...good, csrf: token }, 'text/plain')).status).toBe(415);
      expect(await bff.db.redis.get(bff.db.keys.invoiceRequest(order.order_id))).toBeNull();
      const stranger = await get(bff, formPath('o_stranger'));
      expect(stranger.status).toBe(403);
      expect(stranger.text).not.toContain('csrf');
    });

    it('upper-cases a lowercase tax number, shows the request as submitted, and again on coming back', async () => {
      const form = await get(bff, formPath('o_buyer'));
      expect(form.text).toContain('单位');
      expect(form.text).toContain('个人');
      expect(form.text).not.toContain('企业');
      const r = await postForm(bff, '/landing/order/invoice', {
        order_id: order.order_id,
        openid: 'o_buyer',
        csrf: hidden(form.text, 'csrf'),
        type: 'company',
        title: '腾讯科技（深圳）有限公司',
        tax_no: '91440300708461136t',
        email: 'finance@example.com',
      });
      expect(r.status).toBe(200);
      expectSecurityHeaders(r);
      expect(r.text).toContain('发票申请已提交');
      expect(r.text).toContain('91440300708461136T');
      expect(r.text).toContain('返回订单');
      expect(JSON.parse((await bff.db.redis.get(bff.db.keys.invoiceRequest(order.order_id)))!)).toMatchObject({ tax_no: '91440300708461136T' });
      // Back to the form: the request, not an empty form; 修改申请 opens the form filled in.
      const back = await get(bff, formPath('o_buyer'));
      expect(back.text).toContain('已申请发票');
      expect(back.text).toContain('腾讯科技（深圳）有限公司');
      expect(back.text).not.toContain('<form');
      const edit = await get(bff, `${formPath('o_buyer')}&edit=1`);
      expect(edit.status).toBe(200);
      expect(edit.text).toContain('<form');
      expect(edit.text).toContain('value="91440300708461136T"');
    });

    it('refuses an oversized body', async () => {
      const r = await postForm(bff, '/landing/order/invoice', { title: 'x'.repeat(20000) });
      expect(r.status).toBe(413);
      expectSecurityHeaders(r);
    });
  });
});
