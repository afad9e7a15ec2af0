import type { GoLiveSteps } from '../api/shelf-cache';
import { isNotFound, type WechatClient } from '../wechat';

export interface GoLiveDeps {
  wechat: Pick<WechatClient, 'giftcard'>;
  /** The steps the merchant took through the merchant API (recorded after each call WeChat accepted). */
  steps: () => Promise<GoLiveSteps>;
  /** Whether the shelf is on sale, as the merchant's last maintain/set said. */
  onSale: (pageId: string) => Promise<boolean>;
  /** The gift card Mini Program (WXA_APPID). */
  wxaAppid: string;
}

export type GoLiveStatus = 'done' | 'missing' | 'pending' | 'back_office';

export interface GoLiveStep {
  step: 'shelf' | 'on_sale' | 'pay.whitelist' | 'pay.confirm' | 'pay.bind' | 'wxa.set' | 'review';
  status: GoLiveStatus;
  /** What to do next for this step (a `pnpm gc` command or the back office to visit); null when done. */
  action: string | null;
}

export interface GoLiveReport {
  page_id: string;
  /** The first step not done among those the BFF can see; null: only the review remains to check. */
  missing: GoLiveStep['step'] | null;
  steps: GoLiveStep[];
}

/**
 * Where a shelf stands on the go-live path (002 §7.2 note 4, §8): the shelf exists (page/get) and is on sale,
 * WeChat Pay gift card access requested (§8.1.1), confirmed in the WeChat Pay back office (§8.1.2: seen once
 * the bind succeeds, which WeChat refuses before), the merchant number bound to this Mini Program (§8.2), the
 * shelf set on it (§8.3.1). WeChat answers no call about the shelf's review (§7.2 note 4): it is reported as a
 * back-office step to check, never as done. Steps taken outside this BFF's merchant API are not seen.
 */
export async function goLiveReport(deps: GoLiveDeps, pageId: string): Promise<GoLiveReport> {
  const step = (name: GoLiveStep['step'], status: GoLiveStatus, action: string | null): GoLiveStep => ({ step: name, status, action: status === 'done' ? null : action });
  let exists = true;
  try {
    await deps.wechat.giftcard.getPage({ page_id: pageId });
  } catch (e) {
    if (!isNotFound(e)) throw e;
    exists = false;
  }
  const recorded = await deps.steps();
  const whitelisted = Object.entries(recorded.whitelisted);
  const bound = Object.entries(recorded.bound);
  const boundHere = bound.filter(([, appid]) => appid === deps.wxaAppid).map(([id]) => id);
  const subMch = boundHere[0] ?? bound[0]?.[0] ?? whitelisted[0]?.[0] ?? '<sub_mch_id>';
  const confirmUrl = whitelisted.find(([id]) => id === subMch)?.[1] || whitelisted[0]?.[1];
  const steps: GoLiveStep[] = [
    step('shelf', exists ? 'done' : 'missing', `no shelf ${pageId}: pnpm gc shelves add --file shelf.json`),
    step('on_sale', exists && (await deps.onSale(pageId)) ? 'done' : 'missing', `pnpm gc shelves maintain page_id=${pageId} maintain:=false`),
    step('pay.whitelist', whitelisted.length > 0 ? 'done' : 'missing', 'pnpm gc pay whitelist sub_mch_id=<WeChat Pay sub-merchant number>'),
    step(
      'pay.confirm',
      bound.length > 0 ? 'done' : whitelisted.length > 0 ? 'pending' : 'missing',
      `open ${confirmUrl ?? 'the URL pay whitelist answers'}, log in to the WeChat Pay merchant back office and confirm the gift card feature (002 §8.1.2); then pnpm gc pay bind`,
    ),
    step('pay.bind', boundHere.length > 0 ? 'done' : 'missing', `pnpm gc pay bind sub_mch_id=${subMch} wxa_appid=${deps.wxaAppid}`),
    step('wxa.set', recorded.wxa[pageId] === deps.wxaAppid ? 'done' : 'missing', `pnpm gc wxa set wxa_appid=${deps.wxaAppid} page_id=${pageId}`),
    step(
      'review',
      'back_office',
      'WeChat reviews a new shelf and answers no call about it: check mp.weixin.qq.com (卡券 → 礼品卡); until it is approved only the WeChat users on the test whitelist can buy (002 §7.2 note 4)',
    ),
  ];
  return { page_id: pageId, missing: steps.find((s) => s.status === 'missing' || s.status === 'pending')?.step ?? null, steps };
}
