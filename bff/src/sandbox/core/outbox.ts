/**
 * Event pushes WeChat would send to the merchant's callback URL, as WeChat's own field names
 * (`Event`, `FromUserName`, `CreateTime`, …). Handlers and user actions publish here; the event
 * pusher (callback delivery with WeChat's retries) subscribes. Without a subscriber they wait.
 */
export type OutgoingEvent = Record<string, string | number | Record<string, unknown>> & { Event: string };

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
  drain(): OutgoingEvent[] {
    return this.pending.splice(0);
  }
}
