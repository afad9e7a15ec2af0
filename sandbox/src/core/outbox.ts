import type { WireEvent } from '@giftcard/shared';

/**
 * Event pushes WeChat would send to the merchant's callback URL: only events of the event table,
 * with WeChat's own field names (`Event`, `FromUserName`, `CreateTime`, …), each value as the table
 * allows it. Handlers and user actions publish here (`SandboxWorld.emit`); the event pusher
 * (callback delivery with WeChat's retries) subscribes. Without a subscriber they wait. A boolean
 * is written bare (`<IsChatRoom>true</IsChatRoom>`, 002 §10.2), as WeChat's samples show.
 */
export type OutgoingEvent = WireEvent;

export class EventOutbox {
  private pending: OutgoingEvent[] = [];
  private subscriber: ((e: OutgoingEvent) => void) | undefined;
  publish(event: OutgoingEvent): void {
    if (this.subscriber) this.subscriber(event);
    else this.pending.push(event);
  }
  subscribe(fn: (e: OutgoingEvent) => void): void {
    this.subscriber = fn;
    for (const e of this.pending.splice(0)) fn(e);
  }
  /** The subscriber stops receiving; later events wait again. */
  unsubscribe(fn: (e: OutgoingEvent) => void): void {
    if (this.subscriber === fn) this.subscriber = undefined;
  }
  drain(): OutgoingEvent[] {
    return this.pending.splice(0);
  }
}
