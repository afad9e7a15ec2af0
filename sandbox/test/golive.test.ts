import { buy, openShop, refusal, TEST_SUB_MCH_ID } from '../../bff/test/support/giftcards';
import { useSandboxWechat, wechatFailure } from '../../bff/test/support/wechat';

/** 002 §7.2 note 4 (002:679-683) and §8: a shelf sells only after the whole go-live path. */
describe('the go-live path in the sandbox', () => {
  const t = useSandboxWechat();
  const wxa = () => t.sandbox.world.config.miniProgram.appid;
  const golive = async (pageId: string) => (await fetch(`${t.sandbox.apiBase}/_control/shelves/${encodeURIComponent(pageId)}/golive`)).json() as Promise<{ review: string; missing: string | null }>;

  it('refuses a purchase at each missing step, in the spec\'s order, and sells once the path is walked', async () => {
    const shop = await openShop(t.wechat, t.sandbox, [{}], {}, { live: false });
    const attempt = (openid = 'o_buyer') => refusal(buy(t.sandbox, { openid, page_id: shop.pageId, items: [{ card_id: shop.cardIds[0]!, count: 1 }] }));

    expect(await golive(shop.pageId)).toMatchObject({ review: 'checking', missing: expect.stringMatching(/awaiting review/) });
    expect(await attempt()).toMatchObject({ errcode: 40097, message: expect.stringMatching(/awaiting review/) });
    await t.sandbox.control('shelves/review', { page_id: shop.pageId, result: 'approved' });

    expect(await attempt()).toMatchObject({ errcode: 40097, message: expect.stringMatching(/pay\/whitelist\/add/) });
    // Out of order: confirming or binding a number never whitelisted.
    expect(await refusal(t.sandbox.control('pay/confirm', { sub_mch_id: TEST_SUB_MCH_ID }))).toMatchObject({ errcode: 40097 });
    expect(await wechatFailure(t.wechat.client.giftcard.bindPaySubMch({ sub_mch_id: TEST_SUB_MCH_ID, wxa_appid: wxa() }))).toMatchObject({ kind: 'api', errcode: 40097 });
    const { url } = await t.wechat.client.giftcard.addPayWhitelist({ sub_mch_id: TEST_SUB_MCH_ID });
    expect(url).toMatch(/^https:\/\/pay\.weixin\.qq\.com\//);

    expect(await attempt()).toMatchObject({ errcode: 40097, message: expect.stringMatching(/not confirmed/) });
    // Binding before the merchant confirmed in the WeChat Pay back office.
    expect(await wechatFailure(t.wechat.client.giftcard.bindPaySubMch({ sub_mch_id: TEST_SUB_MCH_ID, wxa_appid: wxa() }))).toMatchObject({ errcode: 40097 });
    await t.sandbox.control('pay/confirm', { sub_mch_id: TEST_SUB_MCH_ID });

    expect(await attempt()).toMatchObject({ errcode: 40097, message: expect.stringMatching(/submch\/bind/) });
    await t.wechat.client.giftcard.bindPaySubMch({ sub_mch_id: TEST_SUB_MCH_ID, wxa_appid: wxa() });

    expect(await attempt()).toMatchObject({ errcode: 40097, message: expect.stringMatching(/wxa\/set/) });
    // wxa/set for a Mini Program the Service Account is not associated with.
    expect(await wechatFailure(t.wechat.client.giftcard.setWxa({ wxa_appid: 'wx0123456789abcdef', page_id: shop.pageId }))).toMatchObject({ errcode: 40097 });
    await t.wechat.client.giftcard.setWxa({ wxa_appid: wxa(), page_id: shop.pageId });

    expect(await golive(shop.pageId)).toMatchObject({ review: 'approved', missing: null });
    const order = await buy(t.sandbox, { openid: 'o_buyer', page_id: shop.pageId, items: [{ card_id: shop.cardIds[0]!, count: 1 }] });
    expect(order.open_id).toBe('o_buyer');
  });

  it('a shelf under review sells to whitelisted test users only; a rejected one too', async () => {
    const live = await openShop(t.wechat, t.sandbox);
    const fresh = await openShop(t.wechat, t.sandbox, [{}], {}, { live: false });
    await t.wechat.client.giftcard.setWxa({ wxa_appid: wxa(), page_id: fresh.pageId });
    const items = [{ card_id: fresh.cardIds[0]!, count: 1 }];
    expect(await refusal(buy(t.sandbox, { openid: 'o_tester', page_id: fresh.pageId, items }))).toMatchObject({ errcode: 40097, message: expect.stringMatching(/awaiting review/) });
    await t.sandbox.control('shelves/testers', { openid: 'o_tester' });
    await expect(buy(t.sandbox, { openid: 'o_tester', page_id: fresh.pageId, items })).resolves.toMatchObject({ open_id: 'o_tester' });
    expect(await refusal(buy(t.sandbox, { openid: 'o_public', page_id: fresh.pageId, items }))).toMatchObject({ errcode: 40097 });

    await t.sandbox.control('shelves/review', { page_id: fresh.pageId, result: 'rejected' });
    expect(await refusal(buy(t.sandbox, { openid: 'o_public', page_id: fresh.pageId, items }))).toMatchObject({ message: expect.stringMatching(/rejected/) });
    await expect(buy(t.sandbox, { openid: 'o_tester', page_id: fresh.pageId, items })).resolves.toBeDefined();
    // The shelf walked through before still sells to anyone.
    await expect(buy(t.sandbox, { openid: 'o_public', page_id: live.pageId, items: [{ card_id: live.cardIds[0]!, count: 1 }] })).resolves.toBeDefined();
    expect(await refusal(t.sandbox.control('shelves/review', { page_id: 'no-such-page', result: 'approved' }))).toMatchObject({ errcode: 40097 });
  });
});
