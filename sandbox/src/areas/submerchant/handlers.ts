import type { submerchantEndpoints } from '@giftcard/shared';
import type { AreaHandlers } from '../../core/handler';
import { SANDBOX_CATEGORIES } from './categories';

/** Spec 003 §1: the rules live in `SubmerchantWorld`; 45021 comes from the dispatcher (schema limits). */
export const submerchantHandlers: AreaHandlers<typeof submerchantEndpoints> = {
  submit: (req, { world }) => ({ info: world.submerchant.submit(req.info) }),
  update: (req, { world }) => {
    const { merchant_id, ...fields } = req.info;
    return { info: world.submerchant.update(merchant_id, fields) };
  },
  get: (req, { world }) => ({ info: world.submerchant.infoOf(req.merchant_id) }),
  batchGet: (req, { world }) => world.submerchant.page(req.begin_id, req.limit, req.status),
  getApplyProtocol: () => ({ category: structuredClone([...SANDBOX_CATEGORIES]) }),
};
