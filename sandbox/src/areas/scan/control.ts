import { brandInfo } from '@giftcard/shared';
import { z } from 'zod';
import type { ControlRoute } from '../../core/control-router';
import type { OutgoingEvent } from '../../core/outbox';
import type { SandboxWorld } from '../../world';
import { WECHAT_REVIEW_SENDER } from '../submerchant/control';

const key = { keystandard: z.string().min(1), keystr: z.string().min(1) };
/** A user on a product homepage: who, and the extinfo of the code they scanned. */
const visit = { ...key, openid: z.string().min(1), extinfo: z.string().default('') };

/**
 * Scan products (specs 000, 001): the merchant's platform actions, WeChat's review, and what a user
 * does on a product homepage. Each user action publishes the event WeChat pushes for it (001 §1).
 */
export function registerScanControls(post: ControlRoute): void {
  post(
    '/_control/products',
    z.object({
      ...key,
      category_id: z.number().int().default(0),
      category_name: z.string().default(''),
      status: z.enum(['on', 'off', 'check', 'reject']).optional(),
      brand_info: brandInfo.default({}),
    }),
    (p, w) => w.scan.createProduct(p),
  );

  // WeChat's review verdict, pushed as user_scan_product_verify_action (001 §1.5).
  post('/_control/products/review', z.object({ ...key, pass: z.boolean(), reason: z.string().default('') }), (r, w) => {
    const product = w.scan.review(r.keystandard, r.keystr, r.pass);
    w.emit('user_scan_product_verify_action', WECHAT_REVIEW_SENDER, {
      KeyStandard: r.keystandard,
      KeyStr: r.keystr,
      Result: r.pass ? 'verify_ok' : 'verify_not_pass',
      ReasonMsg: r.pass ? '' : r.reason,
    });
    return product;
  });

  // A user opens a product homepage (001 §1.1): a wxticket, user_scan_product, and, when the
  // homepage has the anti-counterfeit component, scan_product_callback asking the merchant (000).
  post(
    '/_control/products/scan',
    z.object({
      ...visit,
      /** 1 scanned, 2 other sources; or text, as 000's ticket-check example answers it ("scan"). */
      scene: z.union([z.number().int(), z.string().min(1)]).optional(),
      isContact: z.boolean().optional(),
      country: z.string().default('中国'),
      province: z.string().default('广东'),
      city: z.string().default('广州'),
      /** 1 male, 2 female, 0 unknown. */
      sex: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
    }),
    (s, w) => {
      const ticket = w.scan.scan(s.openid, s.keystandard, s.keystr, s.extinfo, s);
      const product = { KeyStandard: s.keystandard, KeyStr: s.keystr };
      const events: OutgoingEvent[] = [
        w.emit('user_scan_product', s.openid, {
          ...product,
          Country: s.country,
          Province: s.province,
          City: s.city,
          Sex: s.sex,
          // The push's Scene is numeric (001 §1.1); a textual ticket scene has no number to push.
          Scene: typeof s.scene === 'string' ? undefined : (s.scene ?? 1),
          ExtInfo: s.extinfo,
        }),
      ];
      const antiFake = w.scan.product(s.keystandard, s.keystr).brand_info.module_info?.module_list.find((m) => m.type === 'anti_fake');
      if (antiFake) {
        // native_show "true": WeChat shows the merchant's answer in its own pop-up.
        events.push(w.emit('scan_product_callback', s.openid, { ...product, ExtInfo: s.extinfo, NeedAntiFake: antiFake.native_show === 'true' }));
      }
      return { ticket, events };
    },
  );

  // The user follows the Official Account from the homepage (001 §1.2): EventKey scene|keystandard|keystr|extinfo.
  post('/_control/products/subscribe', z.object({ ...visit, scene: z.enum(['scanbarcode', 'scanimage']).default('scanbarcode') }), (s, w) => {
    w.scan.product(s.keystandard, s.keystr);
    w.scan.follow(s.openid);
    const event = w.emit('subscribe', s.openid, { EventKey: [s.scene, s.keystandard, s.keystr, s.extinfo].join('|') });
    return { event };
  });

  // The user enters the Official Account's chat from the homepage (001 §1.3).
  post('/_control/products/enter-session', z.object(visit), (s, w) => {
    w.scan.product(s.keystandard, s.keystr);
    const event = w.emit('user_scan_product_enter_session', s.openid, { KeyStandard: s.keystandard, KeyStr: s.keystr, ExtInfo: s.extinfo });
    return { event };
  });

  // The user's province, pushed after the homepage opened (001 §1.4); a National Bureau of Statistics code.
  post('/_control/products/location', z.object({ ...visit, region_code: z.string().regex(/^[0-9]{6}$/).default('440000') }), (s, w) => {
    w.scan.product(s.keystandard, s.keystr);
    const event = w.emit('user_scan_product_async', s.openid, { KeyStandard: s.keystandard, KeyStr: s.keystr, ExtInfo: s.extinfo, RegionCode: s.region_code });
    return { event };
  });
}
