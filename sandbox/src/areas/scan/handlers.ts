import type { scanEndpoints } from '@giftcard/shared';
import type { AreaHandlers } from '../../core/handler';
import { invalidArgs } from '../../core/fault';

/** Spec 000: products under review (`check`) can be neither updated nor cleared. */
export const scanHandlers: AreaHandlers<typeof scanEndpoints> = {
  getProduct: (req, { world }) => {
    const p = world.scan.product(req.keystandard, req.keystr);
    return { brand_info: { ...p.brand_info, base_info: { ...p.brand_info.base_info, status: p.status } } };
  },
  listProducts: (req, { world }) => {
    const matching = world.scan
      .allProducts()
      .filter((p) => !req.status || req.status === 'all' || p.status === req.status)
      .filter((p) => !req.keystr || p.keystr.includes(req.keystr));
    return {
      total: matching.length,
      key_list: matching.slice(req.offset, req.offset + req.limit).map((p) => ({
        keystandard: p.keystandard,
        keystr: p.keystr,
        category_id: p.category_id,
        category_name: p.category_name,
        update_time: p.update_time,
        status: p.status,
      })),
    };
  },
  updateProduct: (req, { world }) => {
    const p = world.scan.product(req.keystandard, req.keystr);
    if (p.status === 'check') throw invalidArgs('product is under review (status check) and cannot be updated');
    for (const part of ['base_info', 'detail_info', 'action_info', 'module_info'] as const) {
      if (req.brand_info[part]) (p.brand_info as Record<string, unknown>)[part] = req.brand_info[part];
    }
    // A published product goes back to review with its update (spec 000 §1.3).
    if (p.status === 'on') p.status = 'check';
    p.update_time = world.clock.now();
    return { pid: `pid_${Buffer.from(`${p.keystandard}:${p.keystr}`).toString('base64url').slice(0, 11)}` };
  },
  clearProduct: (req, { world }) => {
    const p = world.scan.product(req.keystandard, req.keystr);
    if (p.status === 'check') throw invalidArgs('product is under review (status check) and cannot be cleared');
    world.scan.removeProduct(req.keystandard, req.keystr);
    return {};
  },
  checkTicket: (req, { world }) => {
    const t = world.scan.ticket(req.ticket);
    return {
      keystandard: t.keystandard,
      keystr: t.keystr,
      openid: t.openid,
      scene: t.scene,
      is_check: t.is_check,
      is_contact: t.is_contact,
    };
  },
  clearScanRecord: (req, { world }) => {
    world.scan.clearScanRecord(req.keystandard, req.keystr, req.extinfo);
    return {};
  },
};
