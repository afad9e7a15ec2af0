import type { GiftCardDefinition, GiftCardOrder, ShelfPageInput } from '@giftcard/shared';
import type { Wechat } from '../../src/wechat';
import type { TestSandbox } from './sandbox';

/** What acting on WeChat's side needs: the sandbox on its own, or the BFF serving it under /sandbox. */
type SandboxActor = Pick<TestSandbox, 'world' | 'control'>;

const DAY = 24 * 60 * 60;

/** A gift card as spec 002 §6.3's example describes it, valid from yesterday for a year of the sandbox's time. */
export function giftCard(
  sandbox: SandboxActor,
  opts: { price?: number; quantity?: number; title?: string; init_balance?: number; date_info?: GiftCardDefinition['general_card']['base_info']['date_info'] } = {},
): GiftCardDefinition {
  const now = sandbox.world.clock.now();
  return {
    card_type: 'GENERAL_CARD',
    general_card: {
      sub_card_type: 'GIFT_CARD',
      background_pic_url: 'https://mmbiz.qlogo.cn/mmbiz/bg',
      base_info: {
        max_give_friend_times: 1,
        giftcard_info: { price: opts.price ?? 10000 },
        logo_url: 'https://mmbiz.qlogo.cn/mmbiz/logo',
        brand_name: '微信咖啡厅',
        code_type: 'CODE_TYPE_QRCODE',
        title: opts.title ?? '心意卡',
        color: 'Color020',
        notice: '使用时向服务员出示',
        service_phone: '020-88888888',
        description: '不可与其他优惠同享',
        date_info: opts.date_info ?? { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: now - DAY, end_timestamp: now + 365 * DAY },
        sku: { quantity: opts.quantity ?? 100 },
        get_limit: 0,
        use_custom_code: false,
        use_all_locations: true,
        can_give_friend: true,
      },
      supply_balance: true,
      auto_activate: true,
      ...(opts.init_balance !== undefined && { init_balance: opts.init_balance }),
    },
  };
}

/** A shelf (spec 002 §7.2) selling the given cards in one theme, to keep or give (support_buy_for_self); its orders can be invoiced (need_receipt). */
export function shelf(cardIds: string[], overrides: Partial<ShelfPageInput> = {}): ShelfPageInput {
  return {
    page_title: '礼品卡',
    support_multi: true,
    support_buy_for_self: true,
    need_receipt: true,
    banner_pic_url: 'http://mmbiz.qpic.cn/mmbiz_jpg/banner/0',
    theme_list: [
      {
        theme_pic_url: 'http://mmbiz.qpic.cn/mmbiz_jpg/theme/0',
        title: 'title',
        title_color: '#FB966E',
        item_list: cardIds.map((card_id) => ({ card_id })),
        pic_item_list: [
          { background_pic_url: 'http://mmbiz.qpic.cn/mmbiz_jpg/face1/0', default_gifting_msg: '祝福语1', outer_img_id: 'outer_img_id_1' },
          { background_pic_url: 'http://mmbiz.qpic.cn/mmbiz_jpg/face2/0', default_gifting_msg: '祝福语2' },
        ],
      },
    ],
    address: '广州市海珠区222号',
    service_phone: '020-12345678',
    biz_description: '退款指引',
    cell_1: { title: '申请发票', url: 'https://open.weixin.qq.com' },
    cell_2: { title: '申请退款', url: 'https://mp.weixin.qq.com' },
    ...overrides,
  };
}

/** The test merchant's WeChat Pay sub-merchant number (002 §8.1.1's example). */
export const TEST_SUB_MCH_ID = '1900015421';

/**
 * The go-live path (002 §7.2 note 4, §8) walked as a merchant would: WeChat Pay gift card access
 * requested, confirmed in the WeChat Pay back office and bound to the Mini Program, the shelf set on
 * the Mini Program with wxa/set, and WeChat's review approving it (back offices: control actions).
 * Through the client given, so the calls are WeChat's.
 */
export async function goLive(wechat: Pick<Wechat, 'client'>, sandbox: SandboxActor, pageId: string): Promise<void> {
  const wxa_appid = sandbox.world.config.miniProgram.appid;
  await wechat.client.giftcard.addPayWhitelist({ sub_mch_id: TEST_SUB_MCH_ID });
  await sandbox.control('pay/confirm', { sub_mch_id: TEST_SUB_MCH_ID });
  await wechat.client.giftcard.bindPaySubMch({ sub_mch_id: TEST_SUB_MCH_ID, wxa_appid });
  await wechat.client.giftcard.setWxa({ wxa_appid, page_id: pageId });
  await sandbox.control('shelves/review', { page_id: pageId, result: 'approved' });
}

/** Cards created through the client and one shelf selling them all, taken through the go-live path (`live` false: left new, under review). */
export async function openShop(
  wechat: Wechat,
  sandbox: SandboxActor,
  cards: Parameters<typeof giftCard>[1][] = [{}],
  shelfOverrides: Partial<ShelfPageInput> = {},
  opts: { live?: boolean } = {},
) {
  const cardIds: string[] = [];
  for (const c of cards) cardIds.push((await wechat.client.giftcard.createCard({ card: giftCard(sandbox, c) })).card_id);
  const { page_id } = await wechat.client.giftcard.addPage({ page: shelf(cardIds, shelfOverrides) });
  if (opts.live !== false) await goLive(wechat, sandbox, page_id);
  return { cardIds, pageId: page_id };
}

/** A WeChat user buys from the shelf (sandbox control action). */
export function buy(sandbox: SandboxActor, body: { openid: string; page_id: string; items: { card_id: string; count: number }[]; outer_str?: string }) {
  return sandbox.control<GiftCardOrder>('shelves/buy', body);
}

/** The control action's refusal, as `{status, errcode}`, for actions WeChat refuses. */
export async function refusal(action: Promise<unknown>): Promise<{ errcode: number; message: string }> {
  const e = await action.then(
    () => {
      throw new Error('expected the control action to be refused');
    },
    (err: Error) => err,
  );
  const m = /^control \S+: 409 (.*)$/.exec(e.message);
  if (!m) throw e;
  const body = JSON.parse(m[1]!) as { error: { errcode: number; message: string } };
  return { errcode: body.error.errcode, message: body.error.message };
}
