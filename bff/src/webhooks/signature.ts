import { createHmac } from 'node:crypto';

/**
 * `Giftcard-Signature` (CONTRACT.md "Merchant webhooks"): `v1=` and the lowercase hex HMAC-SHA256 of
 * `"<timestamp>.<raw body>"` under MERCHANT_WEBHOOK_SECRET. The timestamp is inside the MAC, so a
 * receiver that refuses stale timestamps also refuses replayed requests.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The headers of one attempt; the timestamp is that attempt's (unix seconds). */
export function webhookHeaders(secret: string, eventId: string, timestamp: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'giftcard-event-id': eventId,
    'giftcard-timestamp': String(timestamp),
    'giftcard-signature': signWebhook(secret, timestamp, body),
  };
}
