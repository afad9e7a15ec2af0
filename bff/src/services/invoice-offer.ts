/**
 * Whether an order can be invoiced (002 §7.2 `need_receipt`, §12.2.2): the one rule the Mini Program
 * API and the landing pages share. A refunded order has no payment left to invoice.
 *
 * page/get does not answer need_receipt, so the BFF knows it only for shelves the merchant added or
 * updated through the merchant API (`ShelfCache.needReceipt`). A shelf made with another tool is
 * unknown (undefined): invoicing is offered rather than hidden, since the merchant may well have turned
 * it on, and WeChat's own answer (getauthdata) still says whether WeChat authorized an invoice. The
 * merchant settles it by sending need_receipt once through the merchant API
 * (`pnpm gc shelves update page_id=… need_receipt:=false`).
 */
export async function invoiceOffered(
  shelves: { needReceipt: (pageId: string) => Promise<boolean | undefined> },
  order: { page_id: string; state: 'paid' | 'refunded' },
): Promise<boolean> {
  return order.state !== 'refunded' && (await shelves.needReceipt(order.page_id)) !== false;
}

export const INVOICE_NOT_OFFERED = 'this order cannot be invoiced: it was refunded, or its shelf does not offer invoices (need_receipt is false)';
