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
  /**
   * WeChat's scene, as text and unchanged: the spec's table documents 1 (scanned the code) and 2 (from
   * chats, Favorites or Moments), its example answers "scan" (000 "Checking wxticket").
   */
  scene: string;
  is_check: boolean;
  is_contact: boolean;
}
