import type { InvoiceRequestInput, StoredInvoiceRequest } from '@giftcard/shared/api';
import type { RedisClient } from '../redis/connect';
import type { RedisKeys } from '../redis/keys';

export type { InvoiceRequestInput, StoredInvoiceRequest } from '@giftcard/shared/api';

/**
 * Buyers' invoice requests for the merchant. The latest request of an order is kept at
 * `<prefix>invoice:request:<orderId>` (JSON); every submission is also appended to the stream
 * `<prefix>invoice-requests` (fields `order_id`, `openid`, `request` = the JSON), which the
 * merchant backend reads (XREAD / a consumer group) to issue invoices. The caller checks that the
 * order is the user's and validates the input (`invoiceRequestInput`).
 */
export class InvoiceRequests {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** Stores the request (replacing an earlier one of the order) and tells the merchant. `serviceOpenid`: the buyer. */
  async submit(orderId: string, serviceOpenid: string, req: InvoiceRequestInput): Promise<StoredInvoiceRequest> {
    const stored: StoredInvoiceRequest = {
      type: req.type,
      title: req.title,
      ...(req.tax_no !== undefined && { tax_no: req.tax_no }),
      email: req.email,
      order_id: orderId,
      openid: serviceOpenid,
      submitted_at: this.now(),
    };
    const json = JSON.stringify(stored);
    await this.redis.set(this.keys.invoiceRequest(orderId), json);
    await this.redis.xadd(this.keys.invoiceRequests, '*', 'order_id', orderId, 'openid', serviceOpenid, 'request', json);
    return stored;
  }

  async get(orderId: string): Promise<StoredInvoiceRequest | null> {
    const json = await this.redis.get(this.keys.invoiceRequest(orderId));
    return json === null ? null : (JSON.parse(json) as StoredInvoiceRequest);
  }
}
