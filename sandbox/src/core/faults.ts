export interface FaultSpec {
  /** `area.method`, e.g. `order.getOrder`, or `*` for every endpoint. */
  endpoint: string;
  /** Answer this errcode (e.g. -1, system busy) instead of calling the handler. */
  errcode?: number;
  errmsg?: string;
  /** Wait this long before answering (to make a caller time out); with `afterApply`, after the handler ran. */
  delayMs?: number;
  /**
   * The handler runs (the state changes, or a refusal changes nothing) and then its answer is lost:
   * sent only after `delayMs`, or never (`drop`). WeChat applied the call, the caller cannot know.
   */
  afterApply?: boolean;
  /** With `afterApply`: reset the connection instead of answering (the caller sees ECONNRESET). */
  drop?: boolean;
  /** How many calls the fault applies to. */
  times: number;
}

/**
 * The combinations `arm` accepts, each a rule and what it says when broken: a lost answer must be
 * lost somehow (late or dropped), a drop only follows an applied call, and an errcode stands in for
 * the handler, so it cannot come after it.
 */
export const FAULT_RULES: readonly { ok: (f: Omit<FaultSpec, 'times'>) => boolean; path: keyof FaultSpec; message: string }[] = [
  { ok: (f) => !f.afterApply || f.drop === true || (f.delayMs ?? 0) > 0, path: 'afterApply', message: 'afterApply needs delayMs or drop (a delay of 0 loses nothing)' },
  { ok: (f) => !f.drop || f.afterApply === true, path: 'drop', message: 'drop only with afterApply' },
  { ok: (f) => !f.afterApply || f.errcode === undefined, path: 'errcode', message: 'no errcode with afterApply: the handler answers, the answer is lost' },
];

/** Faults a test arms on purpose: WeChat's transient failures, which state alone never produces. */
export class FaultInjector {
  private armed: FaultSpec[] = [];
  arm(spec: FaultSpec): void {
    const broken = FAULT_RULES.find((r) => !r.ok(spec));
    if (broken) throw new Error(`fault for ${spec.endpoint}: ${broken.message}`);
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
