import { WECHAT_FAILURE_ANSWERS } from '../http/wechat-errors';
import { classifyWechatFailure, isTransientWechatFailure, type WechatError } from '../wechat';
import { messagePage, retry, type Page } from './html';

/**
 * The page for a WeChat failure a landing page does not answer itself (its not-found it words on
 * its own): the same classification and status as the JSON APIs' error boundary for busy, timeout
 * and unreachable, in the consumer's Chinese, with 重试 to the same link. WeChat refusing the call
 * for any other reason is our setup's fault, not the visitor's: 502, worded as unavailable.
 */
export function wechatTroublePage(e: WechatError, what: string, path: string, query: string): Page {
  const failure = classifyWechatFailure(e);
  const status = isTransientWechatFailure(e) ? WECHAT_FAILURE_ANSWERS[failure].status : 502;
  const actions = [retry(path, query)];
  if (failure === 'busy') return messagePage(status, '服务繁忙', `暂时无法读取${what}，请稍后再试。`, { icon: 'waiting', actions });
  if (failure === 'timeout') return messagePage(status, '请求超时', `微信暂未响应，暂时无法读取${what}，请稍后再试。`, { icon: 'waiting', actions });
  return messagePage(status, '服务暂时不可用', `暂时无法读取${what}，请稍后再试。`, { icon: 'waiting', actions });
}
