import { z } from 'zod';

/**
 * `POST /api/scan/check`: a product page's `wxticket` (valid 20 minutes). With keystandard and
 * keystr the ticket must be for that product.
 */
export const scanCheckRequest = z
  .object({
    ticket: z.string().trim().min(1).max(256),
    keystandard: z.string().min(1).max(64).optional(),
    keystr: z.string().min(1).max(128).optional(),
  })
  .strict();
export type ScanCheckRequest = z.infer<typeof scanCheckRequest>;

/** What a product page needs from `/scan/scanticket/check`. */
export interface ScanCheckResponse {
  keystandard: string;
  keystr: string;
  /** 1: scanned the code; 2: opened from chats, Favorites or Moments. */
  scene: number;
  is_check: boolean;
  is_contact: boolean;
}
