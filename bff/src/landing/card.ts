import { USER_CARD_STATUS_TEXT, formatFen, parseCardJump, type CodeInfo } from '@giftcard/shared';
import type { ProjectionStore } from '../projector';
import { isWechatError, type WechatClient } from '../wechat';
import { formatTime, html, httpUrl, messagePage, type Page } from './html';

/**
 * `GET /landing/card?encrypt_code&card_id&openid&outer_str` (002 §14.1 card button jump).
 * The code is `/card/code/decrypt`ed, then `/card/code/get` (with card_id, so a code of another
 * card is 40056) says who holds it: the card shows only when that holder is the jump's openid.
 * Anyone else gets a refusal that names nothing of the card. A refunded card (WeChat no longer knows
 * the code, 40056) shows as 已退款 to its last holder, as the projections recorded them.
 */
export async function cardPage(deps: { client: WechatClient; projections: Pick<ProjectionStore, 'card'> }, query: string): Promise<Page> {
  const { client } = deps;
  const parsed = parseCardJump(query);
  if (!parsed.ok || parsed.jump.openid === undefined) {
    return messagePage(400, '链接不完整', '卡券链接缺少必要的参数，请在微信卡包中重新打开这张卡。');
  }
  const { encryptCode, cardId, openid, outerStr } = parsed.jump;
  let info: CodeInfo;
  let code: string | undefined;
  try {
    ({ code } = await client.code.decryptCode({ encrypt_code: encryptCode }));
    info = await client.code.getCode({ code, card_id: cardId, check_consume: false });
  } catch (e) {
    if (code !== undefined && isWechatError(e, 40056)) {
      const refunded = await refundedPage(deps.projections, code, cardId, openid);
      if (refunded) return refunded;
    }
    if (isWechatError(e) && (e.kind === 'invalid_request' || e.errcode === 40056 || e.errcode === 40097)) {
      return messagePage(404, '卡券无法识别', `未能识别这张卡券（${cardId}），请在微信卡包中重新打开。`);
    }
    if (isWechatError(e)) return messagePage(503, '服务繁忙', '暂时无法读取卡券信息，请稍后刷新重试。');
    throw e;
  }
  if (info.card.card_id !== cardId) return messagePage(404, '卡券无法识别', `未能识别这张卡券（${cardId}），请在微信卡包中重新打开。`);
  if (info.openid !== openid) {
    return messagePage(403, '无权查看', '这张卡券不属于当前微信用户，无法查看。', `当前用户：${openid}`);
  }
  const c = info.card;
  const bg = httpUrl(info.background_pic_url);
  return {
    status: 200,
    title: '我的礼品卡',
    body: html`
<section class="card">
  ${bg ? html`<img src="${bg}" alt="">` : ''}
  <h1>礼品卡</h1>
  <p class="muted">余额</p>
  <p class="amount" id="balance">${formatFen(c.balance)}</p>
  <dl>
    <dt>卡号</dt><dd>${c.card_number}</dd>
    <dt>状态</dt><dd>${USER_CARD_STATUS_TEXT[info.user_card_status]}</dd>
    <dt>有效期</dt><dd id="validity">${formatTime(c.begin_time, false)} 至 ${c.end_time === undefined ? '长期有效' : formatTime(c.end_time, false)}</dd>
    ${c.bonus !== undefined ? html`<dt>积分</dt><dd>${c.bonus}</dd>` : ''}
    ${outerStr !== undefined ? html`<dt>来源渠道</dt><dd>${outerStr}</dd>` : ''}
  </dl>
</section>`,
  };
}

/** The card of a refunded order, for its last holder: no balance, 已退款. Null when it is not that. */
async function refundedPage(projections: Pick<ProjectionStore, 'card'>, code: string, cardId: string, openid: string): Promise<Page | null> {
  const card = await projections.card(code);
  if (!card || card.status !== 'REMOVED' || card.card_id !== cardId || card.owner !== openid) return null;
  return {
    status: 200,
    title: '我的礼品卡',
    body: html`
<section class="card">
  <h1>礼品卡</h1>
  <p class="amount" id="status">已退款</p>
  <p class="muted">这张卡所在的订单（${card.order_id}）已退款，卡券已从卡包移除，不能再使用。</p>
  <dl>
    <dt>卡号</dt><dd>${card.code}</dd>
    <dt>面值</dt><dd>${formatFen(card.price)}</dd>
    <dt>状态</dt><dd>已退款</dd>
  </dl>
</section>`,
  };
}
