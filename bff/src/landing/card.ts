import { CARD_STATUS_TEXT, formatFen, parseCardJump, type CodeInfo } from '@giftcard/shared';
import { cardCodeVisible } from '../policy';
import type { ProjectionStore } from '../projector';
import type { CardCatalog } from '../services/card-catalog';
import { isNotFound, isWechatError, wechatFailureOf, type WechatClient } from '../wechat';
import { cell, cells, formatTime, html, httpUrl, messagePage, type Page } from './html';
import { wechatTroublePage } from './wechat-trouble';

export interface CardPageDeps {
  client: WechatClient;
  projections: Pick<ProjectionStore, 'card'>;
  /** The card's title, face value and usage notice, as the merchant created it. */
  catalog: Pick<CardCatalog, 'info' | 'faceValues'>;
}

const CARD_BAG_HINT = '请在微信「我 › 卡包」中打开你的礼品卡。';

/**
 * `GET /landing/card?encrypt_code&card_id&openid&outer_str` (002 §14.1 card button jump).
 * The code is `/card/code/decrypt`ed, then `/card/code/get` (with card_id, so a code of another
 * card is not found) says who holds it: the card shows only when that holder is the jump's openid.
 * Anyone else gets a refusal that names nothing of the card or of anyone. A refunded card (WeChat
 * no longer knows the code) shows as 已退款 to its last holder, as the projections recorded
 * them. outer_str (the merchant's channel value) is the merchant's, not shown.
 */
export async function cardPage(deps: CardPageDeps, query: string): Promise<Page> {
  const { client } = deps;
  const parsed = parseCardJump(query);
  if (!parsed.ok || parsed.jump.openid === undefined) {
    return messagePage(400, '链接不完整', '这个卡券链接不完整，无法打开。', { hint: CARD_BAG_HINT });
  }
  const { encryptCode, cardId, openid } = parsed.jump;
  const unknown = () => messagePage(404, '卡券无法识别', '没有找到这张卡券，它可能已被删除。', { hint: CARD_BAG_HINT });
  let info: CodeInfo;
  let code: string | undefined;
  try {
    ({ code } = await client.code.decryptCode({ encrypt_code: encryptCode }));
    info = await client.code.getCode({ code, card_id: cardId, check_consume: false });
  } catch (e) {
    if (code !== undefined && isNotFound(e)) {
      const refunded = await refundedPage(deps, code, cardId, openid);
      if (refunded) return refunded;
    }
    // WeChat refusing the jump's code (unknown, of another card, a forged encrypt_code) is the one
    // page that names nothing; anything else WeChat's (busy, no answer …) offers 重试.
    const failure = wechatFailureOf(e);
    if (failure === 'not_found' || failure === 'invalid_request' || failure === 'rejected') return unknown();
    if (isWechatError(e)) return wechatTroublePage(e, '卡券信息', '/landing/card', query);
    throw e;
  }
  if (info.card.card_id !== cardId) return unknown();
  if (info.openid !== openid) {
    return messagePage(403, '这张卡不在你的卡包中', '它可能已转赠给好友，或属于另一个微信账号。', { icon: 'info', hint: CARD_BAG_HINT });
  }
  const c = info.card;
  const { definition, faceValue } = await cardDefinition(deps, cardId);
  const face = httpUrl(info.background_pic_url);
  const usable = info.user_card_status === 'NORMAL';
  return {
    status: 200,
    title: '我的礼品卡',
    body: html`
${face ? html`<div class="face"><img src="${face}" alt="卡面"></div>` : ''}
<div class="balance" id="summary">
  <h1>${definition?.title || '礼品卡'}</h1>
  ${
    usable && c.balance > 0
      ? html`<p>余额</p><div class="amount" id="balance">${formatFen(c.balance)}</div>`
      : html`<div class="amount" id="status">${usable ? '已用完' : CARD_STATUS_TEXT[info.user_card_status].label}</div><p>${statusNote(info)}</p>`
  }
</div>
${cells(undefined, [
  faceValue !== undefined ? cell('面值', formatFen(faceValue)) : html``,
  usable && c.balance > 0 ? cell('余额', formatFen(c.balance)) : html``,
  cell('状态', CARD_STATUS_TEXT[info.user_card_status].label, { id: 'card-status' }),
  cell('有效期', `${formatTime(c.begin_time, false)} 至 ${c.end_time === undefined ? '长期有效' : formatTime(c.end_time, false)}`, { id: 'validity' }),
  cardCodeVisible({ owner: info.openid }, openid) ? cell('卡号', c.card_number) : html``,
  c.bonus !== undefined ? cell('积分', c.bonus) : html``,
])}
${definition?.notice ? cells('使用须知', [html`<div class="weui-cell"><div class="weui-cell__bd">${definition.notice}</div></div>`]) : ''}
<div class="weui-cells__tips">${usable ? '到店消费时，请在微信「我 › 卡包」中打开这张卡，向收银员出示二维码。' : '如有疑问，请在公众号对话中发送“客服”联系我们。'}</div>`,
  };
}

/**
 * The card's title, notice and face value as the merchant created it. Neither is needed to show the
 * card: when WeChat cannot say (busy, no answer), the page shows without them, not an error.
 */
async function cardDefinition(deps: CardPageDeps, cardId: string) {
  const [definition, faces] = await Promise.all([deps.catalog.info(cardId).catch(() => null), deps.catalog.faceValues([cardId]).catch(() => ({}) as Record<string, number>)]);
  return { definition, faceValue: faces[cardId] };
}

/** One sentence for a card that cannot be spent now (a NORMAL one here is used up). */
function statusNote(info: CodeInfo): string {
  if (info.user_card_status === 'NORMAL') return '这张卡的余额已全部用完。';
  return `${CARD_STATUS_TEXT[info.user_card_status].hint}。`;
}

/** The card of a refunded order, for its last holder: no balance, 已退款. Null when it is not that. */
async function refundedPage(deps: CardPageDeps, code: string, cardId: string, openid: string): Promise<Page | null> {
  const card = await deps.projections.card(code);
  if (!card || card.status !== 'REMOVED' || card.card_id !== cardId || !cardCodeVisible(card, openid)) return null;
  const { definition, faceValue } = await cardDefinition(deps, cardId);
  return {
    status: 200,
    title: '我的礼品卡',
    body: html`
<div class="balance" id="summary">
  <h1>${definition?.title || '礼品卡'}</h1>
  <div class="amount" id="status">${CARD_STATUS_TEXT.REMOVED.label}</div>
  <p>${CARD_STATUS_TEXT.REMOVED.hint}。</p>
</div>
${cells(undefined, [cell('面值', formatFen(faceValue ?? card.price)), cell('状态', CARD_STATUS_TEXT.REMOVED.label, { id: 'card-status' }), cell('卡号', card.code)])}
<div class="weui-cells__tips">退款会原路退回到付款账户。如有疑问，请在公众号对话中发送“客服”联系我们。</div>`,
  };
}
