/**
 * Event pushes WeChat would send to the merchant's callback URL, as WeChat's own field names
 * (`Event`, `FromUserName`, `CreateTime`, …). Handlers and user actions publish here; the event
 * pusher (callback delivery with WeChat's retries) subscribes. Without a subscriber they wait.
 * A boolean is written bare (`<IsChatRoom>true</IsChatRoom>`, 002 §10.2), as WeChat's samples show.
 */
export type OutgoingEvent = Record<string, string | number | boolean | Record<string, unknown>> & { Event: string };

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
