import type { SandboxWorld } from '@giftcard/sandbox';

const YEAR = 365 * 24 * 60 * 60;

/** 003 §1.1's example sub-merchant, its authorization letter valid a year past the sandbox clock. */
export function subMerchantInfo(world: SandboxWorld) {
  return {
    brand_name: '兰州拉面',
    app_id: 'wx1234567890abcdef',
    logo_url: 'http://mmbiz.qpic.cn/logo.png',
    protocol: 'media_id_protocol_1',
    agreement_media_id: 'media_id_license_1',
    operator_media_id: 'media_id_id_card_1',
    end_time: world.clock.now() + YEAR,
    primary_category_id: 1,
    secondary_category_id: 101,
  };
}
