/**
 * WeChat's time when WeChat is the sandbox running apart (SANDBOX=1): its clock can be moved (tests
 * move it 24 hours for a gift's return) and its pusher signs pushes with it. `now()` is this machine's
 * time plus the offset last learned; `refresh()` asks the sandbox (`GET <sandboxUrl>/sandbox/_control/clock`)
 * and learns the offset anew. The callback refreshes only when a push falls outside the replay window,
 * at most once per `minIntervalMs` (a flood of stale forgeries costs one read a second), never from
 * anything the push itself says.
 */
export class SandboxClock {
  private offsetS = 0;
  private lastReadAt = -Infinity;
  private reading: Promise<number | undefined> | undefined;

  constructor(
    private readonly sandboxUrl: string,
    private readonly opts: { minIntervalMs?: number; timeoutMs?: number; localNow?: () => number } = {},
  ) {}

  private local(): number {
    return this.opts.localNow?.() ?? Math.floor(Date.now() / 1000);
  }

  now(): number {
    return this.local() + this.offsetS;
  }

  /** The sandbox's time read afresh (undefined: it could not be read; the learned offset stays). */
  refresh(): Promise<number | undefined> {
    if (this.reading) return this.reading;
    if (Date.now() - this.lastReadAt < (this.opts.minIntervalMs ?? 1000)) return Promise.resolve(undefined);
    this.lastReadAt = Date.now();
    this.reading = this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<number | undefined> {
    try {
      const res = await fetch(`${this.sandboxUrl}/sandbox/_control/clock`, { signal: AbortSignal.timeout(this.opts.timeoutMs ?? 1000) });
      if (!res.ok) return undefined;
      const { now } = (await res.json()) as { now?: unknown };
      if (typeof now !== 'number' || !Number.isInteger(now)) return undefined;
      this.offsetS = now - this.local();
      return now;
    } catch {
      return undefined;
    }
  }
}
