import type { BizFieldConfig, PayMchInfo, UserAuthInfo, UserFieldConfig } from '@giftcard/shared';
import type { SandboxClock } from '../../core/clock';
import { invalidArgs } from '../../core/fault';

export interface AuthFieldConfig {
  user_field?: UserFieldConfig;
  biz_field?: BizFieldConfig;
}

/** A user's invoice request for one order: what getauthdata answers (002 §12.2.2.5). */
export interface InvoiceAuthorization {
  order_id: string;
  openid: string;
  auth_time: number;
  user_auth_info: UserAuthInfo;
  /** `web` (H5 in WeChat) or `app` (002 §12.2.2.4 `Source`). */
  source: 'web' | 'app';
}

/** Which `show_*` switch lets the user fill each field; the title is always shown (002 §12.2.2.3 Remarks). */
const USER_SWITCHES = { phone: 'show_phone', email: 'show_email' } as const;
const BIZ_SWITCHES = { tax_no: 'show_tax_no', addr: 'show_addr', phone: 'show_phone', bank_type: 'show_bank_type', bank_no: 'show_bank_no' } as const;

/**
 * Invoicing after payment (002 §12.2.2): the merchant's pay-mch and authorization-page settings, and
 * the users' invoice requests, one per order. An order is known through the cards area (who bought
 * it); only its buyer can ask for its invoice.
 */
export class InvoiceWorld {
  payMch: PayMchInfo | undefined;
  authField: AuthFieldConfig | undefined;
  private authorizations = new Map<string, InvoiceAuthorization>();

  constructor(
    private readonly clock: SandboxClock,
    /** The buyer's openid of a gift card order, undefined for an unknown order (`world.cards.orderBuyer`). */
    private readonly orderBuyer: (orderId: string) => string | undefined,
    /** Whether the order's shelf offered invoicing when it was paid (page/add `need_receipt`, §7.2; default false). */
    private readonly offersInvoice: (orderId: string) => boolean = () => true,
  ) {}

  setAuthField(config: Required<AuthFieldConfig>): void {
    for (const [side, fields] of Object.entries(config)) {
      const keys = (fields.custom_field ?? []).map((c) => c.key);
      const dup = keys.find((k, i) => keys.indexOf(k) !== i);
      if (dup !== undefined) throw invalidArgs(`auth_field.${side}.custom_field: key "${dup}" appears twice`);
    }
    this.authField = config;
  }

  /**
   * The buyer fills the invoice page of a paid order and confirms (002 §12.2.2.1 step 3). Exactly one
   * of personal (`user_field`) or company (`biz_field`) invoice, with only the fields the merchant's
   * authorization page shows.
   */
  authorize(orderId: string, openid: string | undefined, info: UserAuthInfo, source: 'web' | 'app'): InvoiceAuthorization {
    const buyer = this.invoiceableOrder(orderId, openid);
    if (this.authorizations.has(orderId)) throw invalidArgs(`order ${orderId} already has an invoice authorization`);
    if (Boolean(info.user_field) === Boolean(info.biz_field)) throw invalidArgs('fill exactly one of user_field (personal) or biz_field (company)');
    if (info.user_field) this.checkFilled('user_field', info.user_field, this.authField?.user_field, USER_SWITCHES);
    if (info.biz_field) this.checkFilled('biz_field', info.biz_field, this.authField?.biz_field, BIZ_SWITCHES);
    const auth: InvoiceAuthorization = { order_id: orderId, openid: buyer, auth_time: this.clock.now(), user_auth_info: info, source };
    this.authorizations.set(orderId, auth);
    return auth;
  }

  /** The authorization failed on WeChat's side (the push's FailOrderId): nothing is recorded. Returns the buyer. */
  failAuthorization(orderId: string, openid: string | undefined): string {
    return this.invoiceableOrder(orderId, openid);
  }

  /** getauthdata: the request of `orderId`, asked by the invoice platform set with set_pay_mch. */
  authData(orderId: string, sPappid: string): InvoiceAuthorization {
    if (!this.payMch) throw invalidArgs('invoicing after payment is not set up: call set_pay_mch first');
    if (sPappid !== this.payMch.s_pappid) throw invalidArgs(`s_pappid ${sPappid} is not the invoice platform set with set_pay_mch`);
    if (this.orderBuyer(orderId) === undefined) throw invalidArgs(`no order ${orderId}`);
    if (!this.offersInvoice(orderId)) throw notInvoiceable(orderId);
    const auth = this.authorizations.get(orderId);
    if (!auth) throw invalidArgs(`order ${orderId} has no invoice authorization`);
    return auth;
  }

  /** The order's buyer, if the order exists, invoicing is set up, and `openid` (when given) is the buyer. */
  private invoiceableOrder(orderId: string, openid: string | undefined): string {
    if (!this.payMch) throw invalidArgs('invoicing after payment is not set up: call set_pay_mch first');
    const buyer = this.orderBuyer(orderId);
    if (buyer === undefined) throw invalidArgs(`no order ${orderId}`);
    if (openid !== undefined && openid !== buyer) throw invalidArgs(`order ${orderId} was not bought by ${openid}`);
    // §12.2.2: without need_receipt the order's payment shows no invoice button.
    if (!this.offersInvoice(orderId)) throw notInvoiceable(orderId);
    return buyer;
  }

  private checkFilled(
    side: string,
    filled: Readonly<Record<string, unknown>> & { custom_field?: { key: string }[] },
    config: (Partial<Record<string, unknown>> & { custom_field?: { key: string }[] }) | undefined,
    switches: Readonly<Record<string, string>>,
  ): void {
    for (const [field, sw] of Object.entries(switches)) {
      if (filled[field] !== undefined && config?.[sw] !== 1) throw invalidArgs(`${side}.${field} is not on the authorization page (${sw} is not 1)`);
    }
    const keys = new Set((config?.custom_field ?? []).map((c) => c.key));
    for (const c of filled.custom_field ?? []) {
      if (!keys.has(c.key)) throw invalidArgs(`${side}.custom_field "${c.key}" is not on the authorization page`);
    }
  }
}

/** 40097 (the spec names no finer code): the order's shelf did not offer invoicing (need_receipt false or left out). */
function notInvoiceable(orderId: string) {
  return invalidArgs(`order ${orderId} cannot be invoiced: its shelf was not created with need_receipt true (002 §7.2, §12.2.2)`);
}
