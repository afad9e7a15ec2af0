import { describeWechatError } from '@giftcard/shared';

/** Thrown by a sandbox handler to answer a WeChat error, as WeChat would: HTTP 200 with errcode. */
export class WechatFault extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string = describeWechatError(errcode),
  ) {
    super(`${errcode} ${errmsg}`);
  }
}

/** 40097 with a message that says what was wrong: WeChat's answer where the spec names no finer code. */
export function invalidArgs(what: string): WechatFault {
  return new WechatFault(40097, `invalid args: ${what}`);
}
