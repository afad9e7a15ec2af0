import { randomBytes } from 'node:crypto';
import type { BrandInfo, ProductStatus } from '@giftcard/shared';
import type { SandboxClock } from '../../core/clock';
import { invalidArgs } from '../../core/fault';

export interface SandboxProduct {
  keystandard: string;
  keystr: string;
  status: ProductStatus;
  category_id: number;
  category_name: string;
  update_time: number;
  brand_info: BrandInfo;
}

export interface ScanTicket {
  keystandard: string;
  keystr: string;
  openid: string;
  /** As the ticket check answers it: 1 scanned, 2 other sources (000's table), or text as its example shows ("scan"). */
  scene: number | string;
  is_check: boolean;
  is_contact: boolean;
  issuedAt: number;
}

const productKey = (keystandard: string, keystr: string) => `${keystandard}\u0000${keystr}`;
const recordKey = (keystandard: string, keystr: string, extinfo: string) => `${keystandard}\u0000${keystr}\u0000${extinfo}`;

/** Product homepages, wxtickets and anti-counterfeit scan records (spec 000, 001). */
export class ScanState {
  private products = new Map<string, SandboxProduct>();
  private tickets = new Map<string, ScanTicket>();
  private scanRecords = new Map<string, number>();
  /** Users following the Official Account (followed from a product homepage: 001 §1.2). */
  private followers = new Set<string>();

  constructor(
    private readonly clock: SandboxClock,
    private readonly ticketTtlSeconds: () => number,
  ) {}

  /** A product the merchant created in the platform; WeChat reviews it first (status `check`). */
  createProduct(p: Omit<SandboxProduct, 'update_time' | 'status'> & { status?: ProductStatus }): SandboxProduct {
    const product: SandboxProduct = { ...p, status: p.status ?? 'check', update_time: this.clock.now() };
    this.products.set(productKey(p.keystandard, p.keystr), product);
    return product;
  }

  product(keystandard: string, keystr: string): SandboxProduct {
    const p = this.products.get(productKey(keystandard, keystr));
    if (!p) throw invalidArgs(`no product ${keystandard}/${keystr}`);
    return p;
  }

  /** Products in creation order. */
  allProducts(): SandboxProduct[] {
    return [...this.products.values()];
  }

  removeProduct(keystandard: string, keystr: string): void {
    this.products.delete(productKey(keystandard, keystr));
  }

  /** The review verdict: `check` → `on` or `reject`. */
  review(keystandard: string, keystr: string, pass: boolean): SandboxProduct {
    const p = this.product(keystandard, keystr);
    p.status = pass ? 'on' : 'reject';
    p.update_time = this.clock.now();
    return p;
  }

  /** A user opens the product page: WeChat counts the scan and gives the page a wxticket. */
  scan(openid: string, keystandard: string, keystr: string, extinfo: string, opts: { scene?: number | string; isContact?: boolean } = {}): string {
    this.product(keystandard, keystr);
    const k = recordKey(keystandard, keystr, extinfo);
    this.scanRecords.set(k, (this.scanRecords.get(k) ?? 0) + 1);
    const ticket = randomBytes(12).toString('base64url');
    const scene = opts.scene ?? 1;
    this.tickets.set(ticket, {
      keystandard,
      keystr,
      openid,
      scene,
      is_check: scene === 1,
      is_contact: opts.isContact ?? this.followers.has(openid),
      issuedAt: this.clock.now(),
    });
    return ticket;
  }

  /** The user follows the Official Account: later tickets answer is_contact true. */
  follow(openid: string): void {
    this.followers.add(openid);
  }

  /** The ticket's facts while it is valid (20 minutes), else 40097. */
  ticket(ticket: string): ScanTicket {
    const t = this.tickets.get(ticket);
    if (!t) throw invalidArgs('unknown ticket');
    if (this.clock.now() - t.issuedAt > this.ticketTtlSeconds()) throw invalidArgs('ticket expired');
    return t;
  }

  scanCount(keystandard: string, keystr: string, extinfo: string): number {
    return this.scanRecords.get(recordKey(keystandard, keystr, extinfo)) ?? 0;
  }

  clearScanRecord(keystandard: string, keystr: string, extinfo: string): void {
    const k = recordKey(keystandard, keystr, extinfo);
    if (!this.scanRecords.has(k)) throw invalidArgs(`no scan record for ${keystandard}/${keystr}/${extinfo}`);
    this.scanRecords.delete(k);
  }
}
