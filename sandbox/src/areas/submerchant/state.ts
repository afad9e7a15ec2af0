import type { ParsedRequestOf, SubmerchantInfo, SubmerchantStatus, submerchantEndpoints } from '@giftcard/shared';
import type { SandboxClock } from '../../core/clock';
import { WechatFault } from '../../core/fault';
import { isKnownCategory } from './categories';

/** What submit sends: the sub-merchant's qualification (003 §1.1). */
export type SubmerchantFields = ParsedRequestOf<typeof submerchantEndpoints.submit>['info'];

interface StoredSubmerchant {
  merchant_id: number;
  fields: SubmerchantFields;
  /** The review verdict; EXPIRED is not stored but read off the clock (see `statusOf`). */
  reviewed: 'CHECKING' | 'APPROVED' | 'REJECTED';
  create_time: number;
  update_time: number;
}

/**
 * The parent merchant's sub-merchants (003 §1). Submit and update put a sub-merchant under review
 * (CHECKING); WeChat's verdict makes it APPROVED or REJECTED; an approved one whose letter of
 * authorization ends (`end_time`) reads EXPIRED from then on.
 */
export class SubmerchantWorld {
  private merchants = new Map<number, StoredSubmerchant>();
  private lastId = 0;
  /** The platform authorization to act for sub-merchants; without it submit/update answer 43014. */
  platformAuthorized = true;

  constructor(private readonly clock: SandboxClock) {}

  /** For the cards area: a card for a sub-merchant needs an APPROVED one (003 §1.8, 40140). */
  statusOf(merchantId: number): SubmerchantStatus | undefined {
    const m = this.merchants.get(merchantId);
    return m ? this.status(m) : undefined;
  }

  submit(fields: SubmerchantFields): SubmerchantInfo {
    this.checkWritable(fields);
    const now = this.clock.now();
    const m: StoredSubmerchant = { merchant_id: ++this.lastId, fields, reviewed: 'CHECKING', create_time: now, update_time: now };
    this.merchants.set(m.merchant_id, m);
    return this.info(m);
  }

  /** New qualification goes back to review. Not while a review is pending (40140). */
  update(merchantId: number, fields: SubmerchantFields): SubmerchantInfo {
    if (!this.platformAuthorized) throw new WechatFault(43014);
    const m = this.get(merchantId);
    if (m.reviewed === 'CHECKING') throw new WechatFault(40140, `invalid sub-merchant status: ${merchantId} is under review (CHECKING)`);
    this.checkWritable(fields);
    m.fields = fields;
    m.reviewed = 'CHECKING';
    m.update_time = this.clock.now();
    return this.info(m);
  }

  /** WeChat's review of a pending sub-merchant. */
  review(merchantId: number, pass: boolean): SubmerchantInfo {
    const m = this.get(merchantId);
    if (m.reviewed !== 'CHECKING') throw new WechatFault(40140, `invalid sub-merchant status: ${merchantId} is ${this.status(m)}, not under review`);
    m.reviewed = pass ? 'APPROVED' : 'REJECTED';
    m.update_time = this.clock.now();
    return this.info(m);
  }

  /** The sub-merchant as WeChat returns it, or 40139. */
  infoOf(merchantId: number): SubmerchantInfo {
    return this.info(this.get(merchantId));
  }

  /**
   * One page of sub-merchants with an id above `beginId`, in id order, optionally of one status.
   * `next_begin_id` is the last id of the page (003 §1.6), so passing it back as `begin_id` gives
   * the next page without repeating it; an empty page echoes `beginId`.
   */
  page(beginId: number, limit: number, status?: SubmerchantStatus): { info_list: SubmerchantInfo[]; next_begin_id: number } {
    const info_list = [...this.merchants.values()]
      .filter((m) => m.merchant_id > beginId && (!status || this.status(m) === status))
      .sort((a, b) => a.merchant_id - b.merchant_id)
      .slice(0, limit)
      .map((m) => this.info(m));
    return { info_list, next_begin_id: info_list.at(-1)?.merchant_id ?? beginId };
  }

  private get(merchantId: number): StoredSubmerchant {
    const m = this.merchants.get(merchantId);
    if (!m) throw new WechatFault(40139, `invalid sub-merchant id: ${merchantId}`);
    return m;
  }

  /** 43014, then 40104, then 40079: what submit and update check of the qualification. */
  private checkWritable(fields: SubmerchantFields): void {
    if (!this.platformAuthorized) throw new WechatFault(43014);
    if (!isKnownCategory(fields.primary_category_id, fields.secondary_category_id)) {
      throw new WechatFault(40104, `invalid category id: ${fields.primary_category_id}/${fields.secondary_category_id} is not in /card/getapplyprotocol`);
    }
    // An unset unsigned int reads 0 on WeChat's side: 0 and a past time are both "not filled out correctly".
    if (fields.end_time <= this.clock.now()) {
      throw new WechatFault(40079, `invalid time: end_time ${fields.end_time} is not in the future`);
    }
  }

  private status(m: StoredSubmerchant): SubmerchantStatus {
    return m.reviewed === 'APPROVED' && m.fields.end_time <= this.clock.now() ? 'EXPIRED' : m.reviewed;
  }

  private info(m: StoredSubmerchant): SubmerchantInfo {
    const f = m.fields;
    return {
      merchant_id: m.merchant_id,
      ...(f.app_id ? { app_id: f.app_id } : {}),
      create_time: m.create_time,
      update_time: m.update_time,
      brand_name: f.brand_name,
      logo_url: f.logo_url,
      status: this.status(m),
      begin_time: m.create_time,
      end_time: f.end_time,
      primary_category_id: f.primary_category_id,
      secondary_category_id: f.secondary_category_id,
    };
  }
}
