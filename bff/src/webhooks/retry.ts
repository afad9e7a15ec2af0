/** However many attempts failed, the next one is at most an hour away (CONTRACT.md "Settings"). */
export const MAX_RETRY_DELAY_MS = 3_600_000;

export interface RetrySettings {
  /** MERCHANT_WEBHOOK_RETRY_MS: the first delay. */
  retryMs: number;
  /** MERCHANT_WEBHOOK_GIVE_UP_S in ms: how long after it was scheduled a delivery may still be tried. */
  giveUpMs: number;
}

export type NextStep = { kind: 'retry'; at: number } | { kind: 'dead' };

/**
 * What follows a failed attempt (pure; the sender only carries it out). `attempts` counts the one
 * that just failed. The delay doubles from `retryMs` up to an hour, with "equal jitter" (between
 * half and the whole of it) so that events that failed together do not come back together. The
 * last try is at the give-up time itself; a failure then (or later) is dead.
 */
export function nextStep(attempts: number, firstAt: number, now: number, s: RetrySettings, random: () => number = Math.random): NextStep {
  const giveUpAt = firstAt + s.giveUpMs;
  if (now >= giveUpAt) return { kind: 'dead' };
  const base = Math.min(s.retryMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40), MAX_RETRY_DELAY_MS);
  const delay = Math.round(base / 2 + (base / 2) * Math.min(random(), 1));
  return { kind: 'retry', at: Math.min(now + delay, giveUpAt) };
}
