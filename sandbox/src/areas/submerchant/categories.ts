import type { ApplyCategory } from '@giftcard/shared';

/**
 * The card categories the sandbox serves from /card/getapplyprotocol (003 §1.3): a small tree in
 * the shape of the spec's example (美食 1 → 粤菜 101). Submit and update accept only these pairs
 * (else 40104).
 */
export const SANDBOX_CATEGORIES: readonly ApplyCategory[] = [
  {
    primary_category_id: 1,
    category_name: '美食',
    secondary_category: [
      { secondary_category_id: 101, category_name: '粤菜', need_qualification_stuffs: ['food_service_license_id', 'food_service_license_bizmedia_id'], can_choose_prepaid_card: 1, can_choose_payment_card: 1 },
      { secondary_category_id: 102, category_name: '茶餐厅', need_qualification_stuffs: ['food_service_license_id', 'food_service_license_bizmedia_id'], can_choose_prepaid_card: 1, can_choose_payment_card: 1 },
      { secondary_category_id: 103, category_name: '火锅', need_qualification_stuffs: ['food_service_license_id', 'food_service_license_bizmedia_id'], can_choose_prepaid_card: 1, can_choose_payment_card: 1 },
    ],
  },
  {
    primary_category_id: 2,
    category_name: '购物',
    secondary_category: [
      { secondary_category_id: 201, category_name: '百货商场', need_qualification_stuffs: [], can_choose_prepaid_card: 1, can_choose_payment_card: 1 },
      { secondary_category_id: 202, category_name: '超市便利店', need_qualification_stuffs: [], can_choose_prepaid_card: 1, can_choose_payment_card: 1 },
    ],
  },
  {
    primary_category_id: 3,
    category_name: '生活服务',
    secondary_category: [
      { secondary_category_id: 301, category_name: '美容美发', need_qualification_stuffs: [], can_choose_prepaid_card: 1, can_choose_payment_card: 0 },
      { secondary_category_id: 302, category_name: '洗衣', need_qualification_stuffs: [], can_choose_prepaid_card: 0, can_choose_payment_card: 0 },
    ],
  },
];

/** Whether `secondary` is a category under `primary`. */
export function isKnownCategory(primary: number, secondary: number): boolean {
  return SANDBOX_CATEGORIES.some(
    (p) => p.primary_category_id === primary && p.secondary_category.some((s) => s.secondary_category_id === secondary),
  );
}
