import { createHmac } from 'node:crypto';
import { nextStep, MAX_RETRY_DELAY_MS } from '../../src/webhooks/retry';
import { signWebhook, webhookHeaders } from '../../src/webhooks/signature';

describe('webhook signature (CONTRACT.md "Merchant webhooks")', () => {
  it('is v1= lowercase hex HMAC-SHA256(secret, "<timestamp>.<raw body>")', () => {
    const secret = 's'.repeat(32);
    const body = '{"id":"a|1|giftcard_pay_done|Z1"}';
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signWebhook(secret, 1700000000, body)).toBe(`v1=${expected}`);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
    expect(webhookHeaders(secret, 'a|1|giftcard_pay_done|Z1', 1700000000, body)).toEqual({
      'content-type': 'application/json',
      'giftcard-event-id': 'a|1|giftcard_pay_done|Z1',
      'giftcard-timestamp': '1700000000',
      'giftcard-signature': `v1=${expected}`,
    });
  });
});

describe('webhook retry decision', () => {
  const settings = { retryMs: 1000, giveUpMs: 86_400_000 };
  const t0 = 1_700_000_000_000;

  it('doubles from MERCHANT_WEBHOOK_RETRY_MS, with jitter between half and the whole delay', () => {
    for (const [attempts, base] of [[1, 1000], [2, 2000], [3, 4000], [10, 512_000]] as const) {
      expect(nextStep(attempts, t0, t0, settings, () => 0)).toEqual({ kind: 'retry', at: t0 + base / 2 });
      expect(nextStep(attempts, t0, t0, settings, () => 0.999999)).toEqual({ kind: 'retry', at: t0 + Math.round(base * 0.9999995) });
    }
  });

  it('caps the delay at one hour, however many attempts', () => {
    expect(MAX_RETRY_DELAY_MS).toBe(3_600_000);
    for (const attempts of [13, 40, 1000]) expect(nextStep(attempts, t0, t0, settings, () => 1)).toEqual({ kind: 'retry', at: t0 + 3_600_000 });
  });

  it('never schedules past the give-up time, and is dead once it is reached', () => {
    const giveUp = t0 + settings.giveUpMs;
    expect(nextStep(30, t0, giveUp - 1000, settings, () => 1)).toEqual({ kind: 'retry', at: giveUp });
    expect(nextStep(31, t0, giveUp, settings, () => 1)).toEqual({ kind: 'dead' });
    expect(nextStep(31, t0, giveUp + 5, settings, () => 0)).toEqual({ kind: 'dead' });
  });
});
