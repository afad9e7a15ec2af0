import { shelfPageChange } from '@giftcard/shared';
import { z } from 'zod';
import type { AntiCounterfeitRegistry, CodeResult } from '../services/anti-counterfeit';
import { orderWithState, refundOrder, type RefundDeps } from '../services/refunds';
import { exportOrders, orderExportRequest, type OrderExportPage, type OrderExportSummary } from '../services/order-export';
import { updateShelf, type ShelfUpdateDeps } from '../services/shelf-update';
import { goLiveReport, type GoLiveDeps } from '../services/golive';
import { listAllSubmerchants, submerchantListRequest } from '../services/submerchant-list';
import type { WechatClient } from '../wechat';
import type { WebhookStore } from '../webhooks/store';
import type { ServiceName } from './operations';

export interface ServiceDeps {
  wechat: WechatClient;
  registry: AntiCounterfeitRegistry;
  /** The refund policy and the projections it reads the order through. */
  refunds: Omit<RefundDeps, 'wechat'>;
  /** The merchant webhooks' schedule in Redis (dead deliveries, replay). */
  webhooks: Pick<WebhookStore, 'listFailed' | 'replay'>;
  /** A shelf change is read, applied and sent whole. */
  shelves: Omit<ShelfUpdateDeps, 'wechat'>;
  /** The go-live report's reads besides WeChat (steps recorded, on sale, the Mini Program). */
  goLive: Omit<GoLiveDeps, 'wechat'>;
}

/** The most codes one import, query or delete may carry. */
export const MAX_CODES_PER_REQUEST = 10_000;

// The product key with the limits of spec 000 (as in the shared scan table).
const productKey = { keystandard: z.string().min(1).max(32), keystr: z.string().min(1).max(128) };
/** The per-item code of the product QR code (WeChat's `ExtInfo`). */
const extinfo = z.string().min(1).max(128);

/** What the scan_product_callback answers for the code (spec 000 AntiFake/CodeResult). */
const codeResult = z.enum(['real', 'fake', 'not_active']) satisfies z.ZodType<CodeResult>;

const codesImport = z.object({
  ...productKey,
  codes: z
    .array(z.object({ extinfo, result: codeResult }))
    .min(1)
    .max(MAX_CODES_PER_REQUEST),
});
const codesQuery = z.object({ ...productKey, extinfos: z.array(extinfo).max(MAX_CODES_PER_REQUEST).default([]) });
const codesDelete = z.object({ ...productKey, extinfos: z.array(extinfo).min(1).max(MAX_CODES_PER_REQUEST) });

/** `{ids:[…]}` (event ids of the failed list) or `{all:true}`, never both. */
const webhookReplay = z.union([
  z.strictObject({ ids: z.array(z.string().min(1).max(1024)).min(1).max(10_000) }),
  z.strictObject({ all: z.literal(true) }),
]);

interface Service<S extends z.ZodType> {
  input: S;
  run: (input: z.output<S>, deps: ServiceDeps) => Promise<unknown>;
}
const svc = <S extends z.ZodType>(input: S, run: Service<S>['run']): Service<z.ZodType> => ({ input, run }) as Service<z.ZodType>;

/**
 * The operations that are more than one WeChat call. Each checks its input with its own schema
 * (400 before anything is called) and knows nothing of HTTP.
 */
export const ADMIN_SERVICES: Record<Exclude<ServiceName, 'orders.export'>, Service<z.ZodType>> = {
  'orders.get': svc(z.object({ order_id: z.string().min(1).max(128) }), (req, { wechat }) => orderWithState(wechat, req.order_id)),
  'orders.refund': svc(z.object({ order_id: z.string().min(1).max(128) }), (req, { wechat, refunds }) => refundOrder({ ...refunds, wechat }, req.order_id)),
  'shelves.update': svc(shelfPageChange, (req, { wechat, shelves }) => updateShelf({ ...shelves, wechat }, req)),
  'shelves.golive': svc(z.object({ page_id: z.string().min(1).max(128) }), (req, { wechat, goLive }) => goLiveReport({ ...goLive, wechat }, req.page_id)),
  'submerchants.list': svc(submerchantListRequest, (req, { wechat }) => listAllSubmerchants(wechat.submerchant.batchGet, req)),
  'anticounterfeit.import': svc(codesImport, async (req, { registry }) => ({
    imported: await registry.import(req.keystandard, req.keystr, req.codes),
    total: await registry.count(req.keystandard, req.keystr),
  })),
  'anticounterfeit.query': svc(codesQuery, async (req, { registry }) => ({
    codes: await registry.query(req.keystandard, req.keystr, req.extinfos),
    total: await registry.count(req.keystandard, req.keystr),
  })),
  'anticounterfeit.delete': svc(codesDelete, async (req, { registry }) => ({
    deleted: await registry.remove(req.keystandard, req.keystr, req.extinfos),
    total: await registry.count(req.keystandard, req.keystr),
  })),
  'webhooks.failed': svc(z.object({ limit: z.number().int().min(1).max(10_000).default(1000) }), async (req, { webhooks }) => ({
    failed: await webhooks.listFailed(req.limit),
  })),
  'webhooks.replay': svc(webhookReplay, async (req, { webhooks }) => ({ replayed: await webhooks.replay(req) })),
};

/** The order export is a stream of pages (for progress), so it stands apart from the others. */
export const orderExport = {
  input: orderExportRequest,
  pages: (req: z.input<typeof orderExportRequest>, { wechat }: ServiceDeps): AsyncGenerator<OrderExportPage, OrderExportSummary> =>
    exportOrders(wechat.order.batchGetOrders, req),
};
