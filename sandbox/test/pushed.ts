import { parseEvent, type WechatEvent } from '@giftcard/shared';
import { parsePushXml } from '@giftcard/shared/wechat/message';
import { eventXml } from '../src/pusher';
import type { TestSandbox } from '../../bff/test/support/sandbox';

/** The outbox's events as the merchant reads them: written as XML, parsed, typed (shared/events). */
export function pushed(sandbox: TestSandbox): WechatEvent[] {
  return sandbox.world.outbox.drain().map((e) => {
    const xml = parsePushXml(eventXml(e));
    if (!xml.ok) throw new Error(`unreadable push ${JSON.stringify(e)}`);
    const parsed = parseEvent(xml.fields);
    if (!parsed.ok) throw new Error(parsed.error.message);
    return parsed.event;
  });
}
