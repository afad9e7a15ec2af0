import type { GiftCardDefinition, GiftCardOrder, ShelfPageInput } from '@giftcard/shared';
import { DEMO_ASSETS, demoAsset } from './assets';

/** The demo Service Account buyer and the Mini Program user the printed jump links to them. */
export const DEMO_BUYER = 'o_demo_buyer';
export const DEMO_MINI_USER = 'o_demo_mini';
/** The demo merchant's WeChat Pay sub-merchant number for gift cards (002 §8.1.1's example). */
export const DEMO_SUB_MCH_ID = '1900015421';
/** The demo scan product and its anti-counterfeit codes. */
export const DEMO_PRODUCT = { keystandard: 'ean13', keystr: '6901234567892' } as const;

export interface DemoSeed {
  cardIds: string[];
  pageId: string;
  order: GiftCardOrder;
  encryptCode: string;
  /** `/app/#/pages/card/index?…`: the card-button jump of the demo purchase, as the demo Mini Program user. */
  cardJumpPath: string;
  productCodes: string[];
}

/**
 * Demo data for `pnpm start` (SANDBOX=1), made the way a merchant and a WeChat user would make it:
 * over HTTP to this BFF's own merchant API (`/admin`, so the BFF's WeChat client calls the sandbox
 * and the `wxa/set` hook records the Mini Program's shelf) and the sandbox's user actions
 * (`/sandbox/_control`). Each start makes it anew: the sandbox keeps its state in memory.
 */
export async function seedDemo(opts: { origin: string; adminToken: string; wxaAppid: string }): Promise<DemoSeed> {
  const call = async <T>(method: string, path: string, body?: unknown, admin = true): Promise<T> => {
    const res = await fetch(`${opts.origin}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(admin ? { authorization: `Bearer ${opts.adminToken}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`demo seed: ${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
  const control = <T>(action: string, body: unknown) => call<T>('POST', `/sandbox/_control/${action}`, body, false);

  // Every picture is the sandbox's own (sandbox/assets.ts), uploaded as a merchant uploads them: the
  // image upload interface (002 §6.1, /admin/images) answers the URL WeChat (here the sandbox) serves it
  // at. The shop looks complete with no internet.
  const uploaded = new Map<string, string>();
  for (const name of DEMO_ASSETS) {
    const res = await fetch(`${opts.origin}/admin/images?${new URLSearchParams({ filename: name })}`, {
      method: 'POST',
      headers: { 'content-type': 'image/svg+xml', authorization: `Bearer ${opts.adminToken}` },
      body: demoAsset(name)!,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`demo seed: POST /admin/images ${name}: ${res.status} ${text.slice(0, 300)}`);
    uploaded.set(name, (JSON.parse(text) as { url: string }).url);
  }
  const asset = (name: string) => uploaded.get(`${name}.svg`)!;
  const cards = [
    { title: '¥50 心意礼品卡', price: 5000, color: 'Color010', notice: '结账时出示卡券', background: asset('card-heart') },
    { title: '¥200 尊享礼品卡', price: 20000, color: 'Color080', notice: '结账时出示卡券', background: asset('card-premium') },
  ];
  const cardIds: string[] = [];
  for (const c of cards) cardIds.push((await call<{ card_id: string }>('POST', '/admin/cards', giftCard(c, asset('logo')))).card_id);

  const items = cardIds.map((card_id, i) => ({ card_id, title: cards[i]!.title }));
  const { page_id: pageId } = await call<{ page_id: string }>('POST', '/admin/shelves', demoShelf(items, opts.origin, asset));
  // The go-live path (002 §7.2 note 4, §8), as a merchant walks it: WeChat Pay gift card access requested
  // through the merchant API, confirmed in the WeChat Pay back office, the merchant number bound to the Mini
  // Program, the shelf set on it, and WeChat's review approving the shelf (back offices: sandbox actions).
  await call('POST', '/admin/pay/whitelist', { sub_mch_id: DEMO_SUB_MCH_ID });
  await control('pay/confirm', { sub_mch_id: DEMO_SUB_MCH_ID });
  await call('POST', '/admin/pay/bind', { sub_mch_id: DEMO_SUB_MCH_ID, wxa_appid: opts.wxaAppid });
  await call('POST', '/admin/wxa', { wxa_appid: opts.wxaAppid, page_id: pageId });
  await control('shelves/review', { page_id: pageId, result: 'approved' });

  // A scan product with the anti-counterfeit module (WeChat's platform creates it) and its codes.
  await control('products', {
    ...DEMO_PRODUCT,
    status: 'on',
    brand_info: {
      base_info: { title: '西湖龙井 250g', thumb_url: asset('tea-thumb'), brand_tag: '茶园直供', retail_price: '128.00', status: 'on' },
      detail_info: { banner_list: [{ link: asset('tea-banner') }], detail_list: [{ title: '产地', desc: '浙江杭州西湖' }, { title: '保质期', desc: '18 个月' }] },
      // The shop link leads to this demo's own shop (the H5 Mini Program).
      action_info: { action_list: [{ type: 'Link', name: '官方商城', link: `${opts.origin}/app/` }, { type: 'Text', name: '客服电话', text: '400-000-0000' }] },
      module_info: { module_list: [{ type: 'anti_fake', native_show: 'false' }] },
    },
  });
  const codes = [
    { extinfo: 'DEMO-REAL-0001', result: 'real' },
    { extinfo: 'DEMO-REAL-0002', result: 'real' },
    { extinfo: 'DEMO-FAKE-0001', result: 'fake' },
    { extinfo: 'DEMO-NEW-0001', result: 'not_active' },
  ] as const;
  await call('POST', `/admin/products/${DEMO_PRODUCT.keystandard}/${DEMO_PRODUCT.keystr}/codes`, { codes });

  // The demo buyer buys one ¥200 card; the jump of its card button is what the app opens.
  const order = await control<GiftCardOrder>('shelves/buy', { openid: DEMO_BUYER, page_id: pageId, items: [{ card_id: cardIds[1]!, count: 1 }], outer_str: 'demo' });
  const card = order.card_list[0]!;
  const { encrypt_code: encryptCode } = await control<{ encrypt_code: string }>('codes/encrypt', { code: card.code });
  const q = new URLSearchParams({ encrypt_code: encryptCode, card_id: card.card_id, openid: DEMO_BUYER, outer_str: 'demo', demo_user: DEMO_MINI_USER });
  return { cardIds, pageId, order, encryptCode, cardJumpPath: `/app/#/pages/card/index?${q}`, productCodes: codes.map((c) => c.extinfo) };
}

function giftCard(c: { title: string; price: number; color: string; notice: string; background: string }, logo: string): GiftCardDefinition {
  return {
    card_type: 'GENERAL_CARD',
    general_card: {
      sub_card_type: 'GIFT_CARD',
      background_pic_url: c.background,
      base_info: {
        max_give_friend_times: 1,
        giftcard_info: { price: c.price },
        logo_url: logo,
        brand_name: '微信咖啡厅',
        code_type: 'CODE_TYPE_QRCODE',
        title: c.title,
        color: c.color,
        notice: c.notice,
        service_phone: '020-88888888',
        description: '可在全国门店使用，不可与其他优惠同享',
        date_info: { type: 'DATE_TYPE_FIX_TERM', fixed_term: 365, fixed_begin_term: 0 },
        sku: { quantity: 1000 },
        get_limit: 0,
        use_custom_code: false,
        use_all_locations: true,
        can_give_friend: true,
      },
      supply_balance: true,
      auto_activate: true,
    },
  };
}

/** The shelf's after-sales cells lead to this BFF's order landing page (WeChat appends order_id and openid). */
function demoShelf(items: { card_id: string; title: string }[], origin: string, asset: (name: string) => string): ShelfPageInput {
  const faces = [
    { background_pic_url: asset('face-birthday'), default_gifting_msg: '生日快乐，愿你每天都有好心情', outer_img_id: 'birthday' },
    { background_pic_url: asset('face-thanks'), default_gifting_msg: '感谢有你' },
  ];
  return {
    page_title: '微信咖啡厅礼品卡',
    support_multi: true,
    // Cards to keep as well as to give (§7.2; default false: every purchase given away).
    support_buy_for_self: true,
    // Its orders can be invoiced (002 §12.2.2): the Mini Program and the order page offer the invoice form.
    need_receipt: true,
    banner_pic_url: asset('banner'),
    category_list: [{ title: '生日' }, { title: '感谢' }],
    theme_list: [
      { theme_pic_url: asset('theme-birthday'), title: '生日快乐', title_color: '#FB966E', category_index: 0, item_list: items, pic_item_list: faces },
      { theme_pic_url: asset('theme-thanks'), title: '谢谢你', title_color: '#07C160', category_index: 1, item_list: [items[0]!], pic_item_list: [faces[1]!] },
    ],
    address: '广州市海珠区新港中路 397 号',
    service_phone: '020-88888888',
    biz_description: '礼品卡自购买之日起一年内有效；未使用的礼品卡可在 7 天内申请退款。',
    cell_1: { title: '订单与发票', url: `${origin}/landing/order` },
    cell_2: { title: '退款与客服', url: `${origin}/landing/order` },
  };
}
