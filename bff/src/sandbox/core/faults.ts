export interface FaultSpec {
  /** `area.method`, e.g. `order.getOrder`, or `*` for every endpoint. */
  endpoint: string;
  /** Answer this errcode (e.g. -1, system busy) instead of calling the handler. */
  errcode?: number;
  errmsg?: string;
  /** Wait this long before answering (to make a caller time out). */
  delayMs?: number;
  /** How many calls the fault applies to. */
  times: number;
}

/** Faults a test arms on purpose: WeChat's transient failures, which state alone never produces. */
export class FaultInjector {
  private armed: FaultSpec[] = [];
  arm(spec: FaultSpec): void {
    this.armed.push({ ...spec });
  }
  /** Takes the next armed fault for this endpoint, if any. */
  take(endpoint: string): FaultSpec | undefined {
    const i = this.armed.findIndex((f) => (f.endpoint === endpoint || f.endpoint === '*') && f.times > 0);
    if (i < 0) return undefined;
    const fault = this.armed[i]!;
    fault.times--;
    if (fault.times === 0) this.armed.splice(i, 1);
    return fault;
  }
  reset(): void {
    this.armed = [];
  }
}
