import { scanProductReply, type AntiFakeCodeResult, type EventOf } from '@giftcard/shared';
import { writeXml } from '@giftcard/shared/wechat/message';

/** The `scanproduct` reply of spec 000 with the registry's verdict. */
export function scanProductReplyXml(push: EventOf<'scan_product_callback'>, result: AntiFakeCodeResult, now: number): string {
  return writeXml(scanProductReply(push, result, now));
}
