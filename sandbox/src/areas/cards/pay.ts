import { invalidArgs } from '../../core/fault';

/** Where WeChat sends the merchant to confirm gift card payment (§8.1.1 example answer). */
export const PAY_CONFIRM_URL = 'https://pay.weixin.qq.com/index.php/public/product/detail?pid=61&productType=0';

type Access = 'requested' | 'opened';

/**
 * WeChat Pay access for gift cards (§8): the merchant number is whitelisted (§8.1.1), the merchant
 * confirms in the WeChat Pay back office (§8.1.2, a control action here), then the number can be
 * bound to the gift card Mini Program (§8.2).
 */
export class PayAccessStore {
  private access = new Map<string, Access>();
  private bindings = new Map<string, string>();

  requestAccess(subMchId: string): string {
    if (!this.access.has(subMchId)) this.access.set(subMchId, 'requested');
    return PAY_CONFIRM_URL;
  }

  /** §8.1.2: the merchant opened the returned URL and clicked to open the gift card feature. */
  confirm(subMchId: string): void {
    if (!this.access.has(subMchId)) throw invalidArgs(`sub_mch_id ${subMchId} was not added to the gift card pay whitelist`);
    this.access.set(subMchId, 'opened');
  }

  bind(subMchId: string, wxaAppid: string): void {
    const access = this.access.get(subMchId);
    if (!access) throw invalidArgs(`sub_mch_id ${subMchId} was not added to the gift card pay whitelist`);
    if (access !== 'opened') throw invalidArgs(`gift card payment is not opened for sub_mch_id ${subMchId}: confirm it in the WeChat Pay back office first`);
    this.bindings.set(subMchId, wxaAppid);
  }

  status(subMchId: string): Access | undefined {
    return this.access.get(subMchId);
  }

  boundWxa(subMchId: string): string | undefined {
    return this.bindings.get(subMchId);
  }

  /** Whether some merchant number with gift card payment opened is bound to the Mini Program (§8.1–8.2). */
  paysFor(wxaAppid: string): boolean {
    return [...this.bindings].some(([subMchId, appid]) => appid === wxaAppid && this.access.get(subMchId) === 'opened');
  }

  paysForAny(): boolean {
    return [...this.bindings.keys()].some((subMchId) => this.access.get(subMchId) === 'opened');
  }

  /** Whether any merchant number is whitelisted, and whether any was confirmed: for saying which step is missing. */
  progress(): { requested: boolean; opened: boolean } {
    const states = [...this.access.values()];
    return { requested: states.length > 0, opened: states.includes('opened') };
  }
}
