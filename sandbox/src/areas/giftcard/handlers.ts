import type { giftcardEndpoints } from '@giftcard/shared';
import type { AreaHandlers, HandlerContext } from '../../core/handler';
import { WechatFault, invalidArgs } from '../../core/fault';

/**
 * Spec 002 §6.3, §7, §8; 003 §1.7. A card for a sub-merchant needs that sub-merchant approved
 * (40139 unknown, 40140 checking/rejected/expired).
 */
export const giftcardHandlers: AreaHandlers<typeof giftcardEndpoints> = {
  createCard: (req, { world }) => {
    const base = req.card.card_type === 'GENERAL_CARD' ? req.card.general_card.base_info : req.card.groupon.base_info;
    const merchantId = base.sub_merchant_info?.merchant_id;
    if (merchantId !== undefined) {
      const status = world.submerchant.statusOf(merchantId);
      if (status === undefined) throw new WechatFault(40139, `invalid sub-merchant id ${merchantId}`);
      if (status !== 'APPROVED') throw new WechatFault(40140, `sub-merchant ${merchantId} is ${status}, not APPROVED`);
    }
    return { card_id: world.cards.createCard(req.card).card_id };
  },
  addPage: (req, { world }) => ({ page_id: world.cards.addShelf(req.page).page_id }),
  getPage: (req, { world }) => {
    const { page } = world.cards.shelves.get(req.page_id);
    // §7.3 answers the shelf as created, without the purely request-side need_receipt.
    const { need_receipt: _, ...shown } = page;
    return { page: shown };
  },
  updatePage: (req, { world }) => {
    world.cards.updateShelf(req.page);
    return {};
  },
  batchGetPages: (_req, { world }) => ({ page_id_list: world.cards.shelves.ids() }),
  setMaintain: (req, { world }) => ({
    control_info: world.cards.shelves.setMaintain('all' in req ? 'all' : { page_id: req.page_id }, req.maintain),
  }),
  addPayWhitelist: (req, { world }) => ({ url: world.cards.pay.requestAccess(req.sub_mch_id) }),
  bindPaySubMch: (req, ctx) => {
    requireAssociatedMiniProgram(req.wxa_appid, ctx);
    ctx.world.cards.pay.bind(req.sub_mch_id, req.wxa_appid);
    return {};
  },
  setWxa: (req, ctx) => {
    requireAssociatedMiniProgram(req.wxa_appid, ctx);
    ctx.world.cards.shelves.bindWxa(req.wxa_appid, req.page_id);
    return {};
  },
};

/** §8.2 note 4, §8.3 note 1: the Service Account must be associated with the gift card Mini Program. */
function requireAssociatedMiniProgram(wxaAppid: string, { world }: HandlerContext): void {
  if (wxaAppid !== world.config.miniProgram.appid) {
    throw invalidArgs(`wxa_appid ${wxaAppid} is not a Mini Program associated with this Service Account`);
  }
}
