import type { EventOf } from '@giftcard/shared';
import type { Logger } from '../log';
import type { AntiCounterfeitRegistry, CodeResult } from '../services/anti-counterfeit';
import { STORE_DEADLINE_MS, type EventInbox, type StoreResult } from './inbox';
import { toPushRecord } from './push-record';
import { CARD_ACK, PLAIN_ACK, openPush, sealReply, type MessageSecrets } from '@giftcard/shared/wechat/message';
import { scanProductReplyXml } from './replies';

export interface CallbackReply {
  status: number;
  /** Empty for refusals and for "not stored": WeChat retries on anything but a 200. */
  body: string;
}

export interface CallbackServiceDeps {
  inbox: EventInbox;
  registry: AntiCounterfeitRegistry;
  secrets: MessageSecrets;
  logger: Logger;
  /**
   * How long a scanproduct reply's code lookup may take before the push is answered 503 (default
   * STORE_DEADLINE_MS). The store itself is held to the inbox's own deadline (EventInbox `deadlineMs`).
   */
  lookupDeadlineMs?: number;
  /** WeChat's time, Unix seconds: the replay window's now and the replies' CreateTime. */
  now?: () => number;
  /**
   * WeChat's time read afresh, asked once when a push's timestamp falls outside the window by `now`
   * (SANDBOX=1: the sandbox's clock, which tests move, read over HTTP); undefined: not known better.
   */
  refreshNow?: () => Promise<number | undefined>;
  /** PUSH_MAX_AGE_S: a push whose query `timestamp` is further from now is refused (default 300). */
  maxAgeS?: number;
  /**
   * A `user_get_card` push opened in safe mode carries a UnionId WeChat vouches for (its body is under
   * msg_signature and our AES key): the identity links learn it (this key set to the push's
   * FromUserName), in the inbox's own script call, not a round trip of its own. Never for a plain-mode push.
   */
  unionidKey?: (unionid: string) => string;
  /**
   * Told of each push's outcome (metrics). A refusal's `type` is its status, or `stale_timestamp`
   * for a push outside the replay window.
   */
  onOutcome?: (outcome: 'stored' | 'unparsed' | 'duplicate' | 'refused' | 'unavailable', type: string) => void;
}

class LookupDeadlineExceeded extends Error {}

/** What a scanproduct reply echoes, from a push's raw fields (absent: empty). */
function scanFieldsOf(f: Record<string, string>): Pick<EventOf<'scan_product_callback'>, 'ToUserName' | 'FromUserName' | 'KeyStandard' | 'KeyStr' | 'ExtInfo'> {
  return { ToUserName: f.ToUserName ?? '', FromUserName: f.FromUserName ?? '', KeyStandard: f.KeyStandard ?? '', KeyStr: f.KeyStr ?? '', ExtInfo: f.ExtInfo ?? '' };
}

/**
 * One push, from request to reply: verify, parse, store once, acknowledge. Nothing is
 * acknowledged that was not durably stored; a forged or malformed push stores nothing. An authentic
 * push whose fields fail the event schema is stored (in `events:unparsed`) and acknowledged too.
 */
export class CallbackService {
  private readonly deadlineMs: number;
  private readonly now: () => number;

  constructor(private readonly deps: CallbackServiceDeps) {
    this.deadlineMs = deps.lookupDeadlineMs ?? STORE_DEADLINE_MS;
    this.now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** `log`: the request's logger (its lines carry the request id); the service's own when not given. */
  async handle(query: Record<string, string | string[] | undefined>, body: string, log: Logger = this.deps.logger): Promise<CallbackReply> {
    const maxAgeS = this.deps.maxAgeS ?? 300;
    let opened = openPush(query, body, this.deps.secrets, { now: this.now(), maxAgeS });
    if (!opened.ok && opened.stale && this.deps.refreshNow) {
      const now = await this.deps.refreshNow();
      if (now !== undefined) opened = openPush(query, body, this.deps.secrets, { now, maxAgeS });
    }
    if (!opened.ok) return this.refuse(log, opened.status, opened.reason, opened.stale ? 'stale_timestamp' : undefined);
    const record = toPushRecord(opened.fields);
    if (!record.ok) return this.refuse(log, 400, record.reason);
    if (opened.encrypted && record.event?.Event === 'user_get_card' && record.event.UnionId && this.deps.unionidKey) {
      record.push.link = { key: this.deps.unionidKey(record.event.UnionId), value: record.event.FromUserName };
    }

    // An unparsed scan_product_callback is still answered: from its fields as they came.
    const scan = record.family === 'scanproduct' ? ((record.event ?? scanFieldsOf(opened.fields)) as EventOf<'scan_product_callback'>) : undefined;
    let verdict: CodeResult | undefined;
    try {
      // The inbox fails a push it has not stored within its deadline; only a lookup needs a timer here.
      const storing = this.deps.inbox.store(record.push);
      let stored: StoreResult;
      if (scan && scan.KeyStandard && scan.KeyStr) [stored, verdict] = await Promise.all([storing, this.withinDeadline(this.lookup(scan))]);
      else stored = await storing;
      this.deps.onOutcome?.(!stored.stored ? 'duplicate' : record.push.unparsed ? 'unparsed' : 'stored', record.push.type);
    } catch (e) {
      // Redis down or slow: say nothing WeChat could take for an acknowledgement, so it retries.
      log.warn('push not stored', { type: record.push.type, error: (e as Error).message });
      this.deps.onOutcome?.('unavailable', record.push.type);
      return { status: 503, body: '' };
    }

    const reply =
      record.family === 'card'
        ? CARD_ACK
        : record.family === 'scanproduct'
          ? scanProductReplyXml(scan!, verdict ?? 'not_active', this.now())
          : PLAIN_ACK;
    return { status: 200, body: opened.encrypted ? sealReply(reply, this.deps.secrets, this.now(), opened.key) : reply };
  }

  private lookup(push: EventOf<'scan_product_callback'>): Promise<CodeResult> {
    return this.deps.registry.lookup(push.KeyStandard, push.KeyStr, push.ExtInfo);
  }

  private refuse(log: Logger, status: 400 | 401, reason: string, kind?: 'stale_timestamp'): CallbackReply {
    // Counted in wechat_pushes_total{outcome="refused"}; a line per push only at debug, so a flood of
    // forged pushes is not also a flood of log writes.
    log.debug('push refused', { status, reason });
    this.deps.onOutcome?.('refused', kind ?? String(status));
    return { status, body: '' };
  }

  private async withinDeadline<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LookupDeadlineExceeded(`code lookup took over ${this.deadlineMs} ms`)), this.deadlineMs);
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
