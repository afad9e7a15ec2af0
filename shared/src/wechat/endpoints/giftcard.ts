import { z } from 'zod';
import { endpoint, fen, okOnly, okResponse, unixSeconds, wechatText } from '../endpoint';

/**
 * Gift cards, shelves, WeChat Pay access and the Mini Program binding: spec 002 §6.3, §7, §8;
 * creating a card for a sub-merchant: spec 003 §1.7.
 */

// ---------------------------------------------------------------------------------------------
// §6.3 Create Gift Card
// ---------------------------------------------------------------------------------------------

/** §6.3 code_type: how the code is shown on the card. */
export const codeType = z.enum(['CODE_TYPE_TEXT', 'CODE_TYPE_BARCODE', 'CODE_TYPE_QRCODE', 'CODE_TYPE_ONLY_QRCODE', 'CODE_TYPE_ONLY_BARCODE']);

/** §6.3 color: "Fill in Color010-Color100 according to color specification" (steps of 10). */
export const cardColor = z.string().regex(/^Color(0[1-9]0|100)$/, 'a color from Color010 to Color100');

/**
 * Card definitions are strict: a field the spec does not show is refused, naming it (zod would
 * otherwise strip it and the merchant's field would never reach WeChat).
 *
 * §6.3 date_info. Timestamps are Unix seconds. Whether the range is sensible (end after begin, end
 * not past) is WeChat's answer (40079, "the time was not filled out correctly", 003 §1.8), not a
 * shape the client can check without WeChat's clock.
 */
export const cardDateInfo = z.discriminatedUnion('type', [
  z.object({ type: z.literal('DATE_TYPE_FIX_TIME_RANGE'), begin_timestamp: unixSeconds, end_timestamp: unixSeconds }).strict(),
  // "How many days after collection": fixed_begin_term days until valid (0: the day of receipt),
  // then valid fixed_term days. The spec's table prints the type as "DATE_TYPE FIX_TERM" (typo).
  z.object({ type: z.literal('DATE_TYPE_FIX_TERM'), fixed_term: z.number().int().nonnegative(), fixed_begin_term: z.number().int().nonnegative() }).strict(),
  z.object({ type: z.literal('DATE_TYPE_PERMANENT') }).strict(),
]);
export type CardDateInfo = z.infer<typeof cardDateInfo>;

/** A Mini Program user name: "Service Account original id @app" (§6.3). */
const appBrandUserName = z.string().regex(/^gh_[0-9a-zA-Z]+@app$/, 'formatted as <original id>@app');

/** 003 §1.7: the card is created for this sub-merchant (40139 unknown, 40140 not approved). */
const subMerchantInfo = z.object({ merchant_id: z.number().int().positive() }).strict();

/** §6.3 base_info: the fields every card shares. */
export const giftCardBaseInfo = z.object({
  giftcard_info: z.object({ price: fen }).strict(),
  logo_url: z.string().min(1),
  max_give_friend_times: z.number().int().nonnegative(),
  code_type: codeType,
  brand_name: wechatText(12).min(1),
  title: wechatText(9).min(1),
  color: cardColor,
  notice: wechatText(12).min(1),
  description: wechatText(1000).min(1),
  date_info: cardDateInfo,
  /**
   * Stock: each purchase deducts from it. Its bounds are WeChat's to judge: an illegal stock is
   * errcode 40070 (003 §1.8), so only the shape is checked here.
   */
  sku: z.object({ quantity: z.number().int() }).strict(),
  service_phone: z.string().min(1).optional(),
  location_id_list: z.array(z.number().int()).optional(),
  /** Required by the §6.3 table ("yes"), although its text gives a default (false) and its example leaves it out. */
  use_all_locations: z.boolean(),
  use_custom_code: z.boolean().optional(),
  bind_openid: z.boolean().optional(),
  can_share: z.boolean().optional(),
  can_give_friend: z.boolean().optional(),
  /** "For a maximum number of receipts per person, you must fill in 0." */
  get_limit: z.literal(0).optional(),
  center_title: z.string().optional(),
  center_sub_title: z.string().optional(),
  center_url: z.string().optional(),
  center_app_brand_user_name: appBrandUserName.optional(),
  center_app_brand_pass: z.string().optional(),
  custom_url_name: wechatText(5).optional(),
  custom_url: z.string().optional(),
  custom_url_sub_title: wechatText(6).optional(),
  custom_app_brand_user_name: appBrandUserName.optional(),
  custom_app_brand_pass: z.string().optional(),
  promotion_url_name: z.string().optional(),
  promotion_url: z.string().optional(),
  promotion_app_brand_user_name: appBrandUserName.optional(),
  promotion_app_brand_pass: z.string().optional(),
  /** The §6.3 example puts it here; its table lists it with general_card: both are accepted. */
  need_push_on_view: z.boolean().optional(),
  sub_merchant_info: subMerchantInfo.optional(),
}).strict();

/** §6.3 custom_field1..3: a cell on the card after activation. */
export const cardCustomField = z.object({
  name: z.string().min(1),
  url: z.string().optional(),
  app_brand_user_name: z.string().optional(),
  app_brand_pass: z.string().optional(),
}).strict();

/** "Developers can only fill in supply_balance and custom_field1..3 at most [three]" (§6.3 note). */
export const MAX_CARD_CELLS = 3;

export const generalCard = z
  .object({
    sub_card_type: z.literal('GIFT_CARD'),
    background_pic_url: z.string().min(1).optional(),
    base_info: giftCardBaseInfo,
    advanced_info: z
      .object({ text_image_list: z.array(z.object({ image_url: z.string().min(1), text: z.string() }).strict()).optional() })
      .strict()
      .optional(),
    auto_activate: z.boolean().optional(),
    supply_bonus: z.boolean().optional(),
    supply_balance: z.boolean().optional(),
    /** Balance on the card face after purchase, in fen. Without it a card starts at its price. */
    init_balance: fen.optional(),
    prerogative: z.string().optional(),
    custom_field1: cardCustomField.optional(),
    custom_field2: cardCustomField.optional(),
    custom_field3: cardCustomField.optional(),
    need_push_on_view: z.boolean().optional(),
  })
  .strict()
  .refine(
    (c) => [c.supply_balance === true, c.custom_field1, c.custom_field2, c.custom_field3].filter(Boolean).length <= MAX_CARD_CELLS,
    { message: `supply_balance and custom_field1..3: at most ${MAX_CARD_CELLS} of them`, path: ['custom_field3'] },
  );

/** The `card` of /card/create for a gift card (§6.3: card_type GENERAL_CARD, sub_card_type GIFT_CARD). */
export const giftCardDefinition = z
  .object({
    card_type: z.literal('GENERAL_CARD'),
    general_card: generalCard,
  })
  .strict();
export type GiftCardDefinition = z.input<typeof giftCardDefinition>;

/**
 * 003 §1.7's base_info of a voucher (its example is a GROUPON for a sub-merchant): the card fields of
 * §6.3 without the gift card's own (giftcard_info, max_give_friend_times), get_limit any count
 * (the example: 3), use_all_locations as the voucher interface leaves it (optional: the example
 * omits it), and the example's sub_title and source.
 */
export const voucherBaseInfo = giftCardBaseInfo
  .omit({ giftcard_info: true, max_give_friend_times: true, get_limit: true, use_all_locations: true })
  .extend({
    sub_title: z.string().min(1).optional(),
    get_limit: z.number().int().nonnegative().optional(),
    use_all_locations: z.boolean().optional(),
    /** Where the deal comes from, e.g. "大众点评". */
    source: z.string().min(1).optional(),
  })
  .strict();

/** The `card` of /card/create for a group-buying voucher (003 §1.7: card_type GROUPON). */
export const grouponCardDefinition = z
  .object({
    card_type: z.literal('GROUPON'),
    groupon: z.object({ base_info: voucherBaseInfo, deal_detail: z.string().min(1) }).strict(),
  })
  .strict();
export type GrouponCardDefinition = z.input<typeof grouponCardDefinition>;

/** The card types the spec shows: a gift card (002 §6.3) and a group-buying voucher (003 §1.7). */
export const cardDefinition = z.discriminatedUnion('card_type', [giftCardDefinition, grouponCardDefinition]);
export type CardDefinition = z.input<typeof cardDefinition>;

// ---------------------------------------------------------------------------------------------
// §7 Shelves
// ---------------------------------------------------------------------------------------------

/** §7.2 item_list entry: a card on sale in a theme. title defaults to the card's title. */
export const shelfItem = z.object({
  card_id: z.string().min(1),
  title: z.string().optional(),
  pic_url: z.string().optional(),
  desc: z.string().optional(),
});

/** §7.2 pic_item_list entry: a card face the buyer can choose. */
export const shelfCardFace = z.object({
  background_pic_url: z.string().min(1),
  outer_img_id: z.string().optional(),
  default_gifting_msg: z.string(),
});

export const shelfTheme = z.object({
  theme_pic_url: z.string().min(1),
  title: z.string().min(1),
  title_color: z.string().min(1),
  item_list: z.array(shelfItem).min(1),
  pic_item_list: z.array(shelfCardFace).min(1),
  /** Index into category_list; required when category_list is given (banner themes aside). */
  category_index: z.number().int().nonnegative().optional(),
  show_sku_title_first: z.boolean().optional(),
  is_banner: z.boolean().optional(),
});
export type ShelfTheme = z.infer<typeof shelfTheme>;

/** §7.2 cell_1 / cell_2: after-sales links; WeChat appends order_id and openid (§14.2). */
export const shelfCell = z.object({ title: z.string().min(1), url: z.string().min(1) });

const shelfFields = {
  page_title: z.string().min(1),
  support_multi: z.boolean().optional(),
  support_buy_for_self: z.boolean().optional(),
  banner_pic_url: z.string().min(1),
  theme_list: z.array(shelfTheme).min(1),
  category_list: z.array(z.object({ title: z.string() })).optional(),
  address: z.string().min(1),
  service_phone: z.string().min(1),
  biz_description: z.string().min(1),
  need_receipt: z.boolean().optional(),
  cell_1: shelfCell,
  cell_2: shelfCell,
};

/**
 * "If the category_list is filled in, the serial number is required for each topic". The spec's
 * own example leaves it out of its banner theme, so banner themes are exempt.
 */
function themesMatchCategories(p: { theme_list?: ShelfTheme[]; category_list?: { title: string }[] }): boolean {
  if (!p.category_list || !p.theme_list) return true;
  const n = p.category_list.length;
  return p.theme_list.every((t) => (t.category_index === undefined ? t.is_banner === true : t.category_index < n));
}
const categoryRule = { message: 'each theme needs a category_index within category_list', path: ['theme_list'] };

/** The `page` of /card/giftcard/page/add (§7.2). */
export const shelfPageInput = z.object(shelfFields).refine(themesMatchCategories, categoryRule);
export type ShelfPageInput = z.input<typeof shelfPageInput>;

/**
 * The `page` of /card/giftcard/page/update (§7.4): the whole page. Its table marks page_id,
 * banner_pic_url, theme_list, address, service_phone, biz_description, cell_1 and cell_2 required
 * (002:866-873; the example, which sends three of them, is not the contract). page_title,
 * support_multi, support_buy_for_self and need_receipt, which the table does not list, may come
 * with it as at §7.2. A change of a few fields is read, applied and sent whole (`shelfPageChange`).
 */
export const shelfPageUpdate = z
  .object({ page_id: z.string().min(1), ...shelfFields, page_title: shelfFields.page_title.optional() })
  .refine(themesMatchCategories, categoryRule);
export type ShelfPageUpdate = z.input<typeof shelfPageUpdate>;

/** What a merchant changes on a shelf: page_id and any of the page's fields (nothing else). */
export const shelfPageChange = z
  .object({ page_id: z.string().min(1), ...z.object(shelfFields).partial().shape })
  .strict()
  .refine(themesMatchCategories, categoryRule);
export type ShelfPageChange = z.input<typeof shelfPageChange>;

/** The `page` /card/giftcard/page/get answers (§7.3): the fields of its return table. */
export const shelfPage = z.object({
  /** Not in the §7.3 table; the 2017/1/19 change log added it. */
  page_title: z.string().optional(),
  banner_pic_url: z.string(),
  support_multi: z.boolean().optional(),
  support_buy_for_self: z.boolean().optional(),
  theme_list: z.array(shelfTheme),
  category_list: z.array(z.object({ title: z.string() })).optional(),
  address: z.string().optional(),
  service_phone: z.string().optional(),
  biz_description: z.string().optional(),
  cell_1: shelfCell.optional(),
  cell_2: shelfCell.optional(),
});
export type ShelfPage = z.infer<typeof shelfPage>;

/**
 * §7.6 control types. Documented values: E_PAGE_CONTROL_NORMAL (on sale), E_PAGE_CONTROL_BIZ
 * (taken down by the merchant), E_PAGE_CONTROL_SYSTEM (taken down by WeChat). Read as strings so
 * an undocumented value cannot fail a maintain call that WeChat already carried out.
 */
export const PAGE_CONTROL = {
  normal: 'E_PAGE_CONTROL_NORMAL',
  biz: 'E_PAGE_CONTROL_BIZ',
  system: 'E_PAGE_CONTROL_SYSTEM',
} as const;

export const shelfControlInfo = z.object({
  biz_control_type: z.string(),
  system_biz_control_type: z.string(),
  list: z.array(z.object({ page_id: z.string(), page_control_type: z.string(), system_page_control_type: z.string() })),
});
export type ShelfControlInfo = z.infer<typeof shelfControlInfo>;

/** A WeChat Pay (sub-)merchant number: digits, sent as a string (§8.1.1 example). */
const subMchId = z.string().regex(/^\d{6,32}$/, 'a WeChat Pay merchant number (digits)');
const wxaAppid = z.string().regex(/^wx[0-9a-zA-Z]{6,32}$/, 'a Mini Program appid');

export const giftcardEndpoints = {
  createCard: endpoint({
    path: '/card/create',
    method: 'POST',
    auth: 'access_token',
    request: z.object({ card: cardDefinition }).strict(),
    response: okResponse({ card_id: z.string().min(1) }),
    errors: [40070, 40079, 40139, 40140, 45021],
    /** base_info.sub_merchant_info names a sub-merchant WeChat does not know (003 §1.8). */
    notFound: [40139],
    spec: '002 §6.3 Create Gift Card Interface; 003 §1.7 (sub_merchant_info)',
  }),
  addPage: endpoint({
    path: '/card/giftcard/page/add',
    method: 'POST',
    auth: 'access_token',
    request: z.object({ page: shelfPageInput }),
    response: okResponse({ page_id: z.string().min(1) }),
    errors: [40073],
    /** A card_id on the shelf that WeChat does not know. */
    notFound: [40073],
    spec: '002 §7.2 Create - Gift Card Shelf Interface',
  }),
  getPage: endpoint({
    path: '/card/giftcard/page/get',
    method: 'POST',
    auth: 'access_token',
    request: z.object({ page_id: z.string().min(1) }),
    response: okResponse({ page: shelfPage }),
    errors: [40097],
    /** A read has no state to be wrong: its invalid args is the unknown page_id. */
    notFound: [40097],
    spec: '002 §7.3 Queries - Gift Card Shelf Information Interface',
  }),
  updatePage: endpoint({
    path: '/card/giftcard/page/update',
    method: 'POST',
    auth: 'access_token',
    request: z.object({ page: shelfPageUpdate }),
    response: okOnly,
    errors: [40073, 40097],
    /** 40073 only: 40097 here may also be a field WeChat refuses, not the page. */
    notFound: [40073],
    spec: '002 §7.4 Modify - Gift Card Shelf Information Interface',
  }),
  batchGetPages: endpoint({
    path: '/card/giftcard/page/batchget',
    method: 'POST',
    auth: 'access_token',
    request: z.object({}),
    response: okResponse({ page_id_list: z.array(z.string()).default([]) }),
    errors: [],
    spec: '002 §7.5 Queries - Gift Card Shelf List Interface',
  }),
  /** §7.6: take one shelf (page_id) or every shelf of the merchant (all) off sale, or back. */
  setMaintain: endpoint({
    path: '/card/giftcard/maintain/set',
    method: 'POST',
    auth: 'access_token',
    request: z.union([
      z.object({ page_id: z.string().min(1), maintain: z.boolean() }).strict(),
      z.object({ all: z.literal(true), maintain: z.boolean() }).strict(),
    ]),
    response: okResponse({ control_info: shelfControlInfo }),
    errors: [40097],
    spec: '002 §7.6 Removal - Gift Card Shelf Interface',
  }),
  /** §8.1.1: answers the URL where the merchant confirms gift card payment in WeChat Pay (§8.1.2). */
  addPayWhitelist: endpoint({
    path: '/card/giftcard/pay/whitelist/add',
    method: 'POST',
    auth: 'access_token',
    request: z.object({ sub_mch_id: subMchId }),
    response: okResponse({ url: z.string().min(1) }),
    errors: [],
    spec: '002 §8.1.1 Request WeChat Payment Gift Card Access Interface',
  }),
  bindPaySubMch: endpoint({
    path: '/card/giftcard/pay/submch/bind',
    method: 'POST',
    auth: 'access_token',
    request: z.object({ sub_mch_id: subMchId, wxa_appid: wxaAppid }),
    response: okOnly,
    errors: [40097],
    spec: '002 §8.2 Binding Merchant Number to Gift Card Mini Program',
  }),
  /** §8.3.1: the gift card Mini Program serves this shelf. */
  setWxa: endpoint({
    path: '/card/giftcard/wxa/set',
    method: 'POST',
    auth: 'access_token',
    request: z.object({ wxa_appid: wxaAppid, page_id: z.string().min(1) }),
    response: okOnly,
    errors: [40097],
    spec: '002 §8.3.1 Upload the Mini Program code',
  }),
} as const;
