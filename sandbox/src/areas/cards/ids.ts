import { randomBytes, randomInt } from 'node:crypto';

/** Identifiers shaped like WeChat's own examples (spec 002), so code that handles them meets the real thing. */

function digits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(randomInt(10));
  return s;
}

/** "p1Pj9jr90_SQRaVqYI239Ka1erkI": `p` and 27 URL-safe characters. */
export const newCardId = () => `p${randomBytes(21).toString('base64url').slice(0, 27)}`;

/**
 * "abcedfghifk=+Uasdaseq14fadkf8123h4jk": standard base64, so `+`, `/` and `=` occur and the
 * shelf link must URL-encode it (§7.2 note 1). 26 bytes always end in one `=`.
 */
export const newPageId = () => randomBytes(26).toString('base64');

/** "Z2y2rY74ksZX1ceuGA": 18 letters and digits. */
export const newOrderId = () => `Z${randomBytes(16).toString('base64').replace(/[^0-9a-zA-Z]/g, '').slice(0, 17).padEnd(17, '0')}`;

/** "4001562001201608292531663351": a 28-digit WeChat Pay transaction id. */
export const newTransId = () => `4200${digits(24)}`;

/** "027691806183": a 12-digit code (§11.4). */
export const newCode = () => digits(12);

/** An opaque token standing for a code in a card-button jump (§14.1); only the sandbox can map it back. */
export const newEncryptCode = () => randomBytes(32).toString('base64');

/** Draws from `gen` until the value is not taken yet. */
export function unique(gen: () => string, taken: (id: string) => boolean): string {
  for (;;) {
    const id = gen();
    if (!taken(id)) return id;
  }
}
