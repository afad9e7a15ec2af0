import { parseEvent, type RequestOf, type SubmerchantInfo, type submerchantEndpoints } from '@giftcard/shared';
import { useSandboxWechat, wechatFailure } from '../support/wechat';
import { subMerchantInfo } from '../support/submerchants';

type SubmitInfo = RequestOf<typeof submerchantEndpoints.submit>['info'];
const YEAR = 365 * 24 * 60 * 60;

/** Spec 003 through the real client, over HTTP, against the sandbox. */
describe('third-party sub-merchants (spec 003)', () => {
  const t = useSandboxWechat();
  let info: SubmitInfo;

  beforeEach(async () => {
    info = subMerchantInfo(t.sandbox.world);
  });


  it('serves the category tree of getapplyprotocol (GET)', async () => {
    const res = await t.wechat.client.submerchant.getApplyProtocol({});
    expect(res.category.length).toBeGreaterThanOrEqual(2);
    const food = res.category.find((c) => c.primary_category_id === 1)!;
    expect(food.category_name).toBe('美食');
    expect(food.secondary_category[0]).toMatchObject({ secondary_category_id: 101, category_name: '粤菜', can_choose_prepaid_card: 1 });
    expect(t.sandbox.world.calls.get('submerchant.getApplyProtocol')).toBe(1);
  });

  it('submits a sub-merchant under review, gets it, and publishes the review verdict', async () => {
    const before = t.sandbox.world.clock.now();
    const submitted: SubmerchantInfo = (await t.wechat.client.submerchant.submit({ info })).info;
    expect(submitted).toMatchObject({
      brand_name: '兰州拉面',
      app_id: 'wx1234567890abcdef',
      logo_url: info.logo_url,
      status: 'CHECKING',
      end_time: info.end_time,
      primary_category_id: 1,
      secondary_category_id: 101,
    });
    expect(submitted.merchant_id).toBeGreaterThan(0);
    // Stamped with the sandbox clock at submit (seconds may tick on a busy machine).
    expect(submitted.create_time).toBeGreaterThanOrEqual(before);
    expect(submitted.create_time).toBeLessThanOrEqual(t.sandbox.world.clock.now());
    expect(t.sandbox.world.submerchant.statusOf(submitted.merchant_id)).toBe('CHECKING');

    const { event } = await t.sandbox.control<{ event: Record<string, string | number> }>('submerchants/review', { merchant_id: submitted.merchant_id, pass: true });
    expect((await t.wechat.client.submerchant.get({ merchant_id: submitted.merchant_id })).info.status).toBe('APPROVED');
    expect(t.sandbox.world.submerchant.statusOf(submitted.merchant_id)).toBe('APPROVED');

    // The push, as the callback will read it (XML: every value a string).
    const pushed = t.sandbox.world.outbox.drain();
    expect(pushed).toEqual([event]);
    const parsed = parseEvent(Object.fromEntries(Object.entries(pushed[0]!).map(([k, v]) => [k, String(v)])));
    expect(parsed).toEqual({
      ok: true,
      event: expect.objectContaining({ Event: 'card_merchant_check_result', MerchantId: submitted.merchant_id, IsPass: true, Reason: '', ToUserName: t.sandbox.world.config.serviceAccount.originalId }),
    });
  });

  it('rejects with a reason, and lets a rejected sub-merchant be updated back into review', async () => {
    const { merchant_id } = (await t.wechat.client.submerchant.submit({ info })).info;
    await t.sandbox.control('submerchants/review', { merchant_id, pass: false, reason: '授权函不清晰' });
    expect(t.sandbox.world.outbox.drain()[0]).toMatchObject({ Event: 'card_merchant_check_result', MerchantId: merchant_id, IsPass: 0, Reason: '授权函不清晰' });
    expect((await t.wechat.client.submerchant.get({ merchant_id })).info.status).toBe('REJECTED');

    await t.sandbox.control('clock/advance', { seconds: 60 });
    const updated = (await t.wechat.client.submerchant.update({ info: { ...info, merchant_id, brand_name: '兰州牛肉面', protocol: 'media_id_protocol_2' } })).info;
    expect(updated).toMatchObject({ merchant_id, brand_name: '兰州牛肉面', status: 'CHECKING' });
    expect(updated.update_time).toBe(updated.create_time + 60);
  });

  it('answers 40140 to an update while under review, and to a review of one not under review', async () => {
    const { merchant_id } = (await t.wechat.client.submerchant.submit({ info })).info;
    const err = await wechatFailure(t.wechat.client.submerchant.update({ info: { ...info, merchant_id } }));
    expect(err).toMatchObject({ kind: 'api', errcode: 40140, endpoint: '/card/submerchant/update' });
    expect(err.errmsg).toMatch(/CHECKING/);
    await t.sandbox.control('submerchants/review', { merchant_id, pass: true });
    await expect(t.sandbox.control('submerchants/review', { merchant_id, pass: true })).rejects.toThrow(/409.*40140/);
  });

  it('answers 40139 for an unknown merchant_id', async () => {
    expect(await wechatFailure(t.wechat.client.submerchant.get({ merchant_id: 999 }))).toMatchObject({ kind: 'api', errcode: 40139, endpoint: '/card/submerchant/get' });
    expect(await wechatFailure(t.wechat.client.submerchant.update({ info: { ...info, merchant_id: 999 } }))).toMatchObject({ kind: 'api', errcode: 40139, endpoint: '/card/submerchant/update' });
    expect(t.sandbox.world.submerchant.statusOf(999)).toBeUndefined();
  });

  it('answers 40104 for a category pair that getapplyprotocol does not list', async () => {
    for (const [primary, secondary] of [[9, 901], [1, 201], [2, 101]] as const) {
      const err = await wechatFailure(t.wechat.client.submerchant.submit({ info: { ...info, primary_category_id: primary, secondary_category_id: secondary } }));
      expect(err).toMatchObject({ kind: 'api', errcode: 40104, endpoint: '/card/submerchant/submit' });
    }
    const { merchant_id } = (await t.wechat.client.submerchant.submit({ info })).info;
    await t.sandbox.control('submerchants/review', { merchant_id, pass: true });
    expect(await wechatFailure(t.wechat.client.submerchant.update({ info: { ...info, merchant_id, secondary_category_id: 999 } }))).toMatchObject({ errcode: 40104 });
  });

  it('answers 40079 for an end_time not in the future; the client refuses a missing one itself', async () => {
    const now = t.sandbox.world.clock.now();
    for (const end_time of [now - 1, now, 0]) {
      expect(await wechatFailure(t.wechat.client.submerchant.submit({ info: { ...info, end_time } }))).toMatchObject({ kind: 'api', errcode: 40079, endpoint: '/card/submerchant/submit' });
    }
    const { end_time: _, ...noEnd } = info;
    expect(await wechatFailure(t.wechat.client.submerchant.submit({ info: noEnd as SubmitInfo }))).toMatchObject({ kind: 'invalid_request', errcode: null });
    expect(t.sandbox.world.calls.get('submerchant.submit')).toBe(3);
  });

  it('expires an approved sub-merchant when its end_time passes the sandbox clock', async () => {
    const { merchant_id } = (await t.wechat.client.submerchant.submit({ info: { ...info, end_time: t.sandbox.world.clock.now() + 100 } })).info;
    await t.sandbox.control('submerchants/review', { merchant_id, pass: true });
    expect(t.sandbox.world.submerchant.statusOf(merchant_id)).toBe('APPROVED');
    await t.sandbox.control('clock/advance', { seconds: 100 });
    expect((await t.wechat.client.submerchant.get({ merchant_id })).info.status).toBe('EXPIRED');
    expect(t.sandbox.world.submerchant.statusOf(merchant_id)).toBe('EXPIRED');
    expect((await t.wechat.client.submerchant.batchGet({ begin_id: 0, limit: 10, status: 'EXPIRED' })).info_list.map((m) => m.merchant_id)).toEqual([merchant_id]);
    // A renewed letter of authorization goes back to review.
    const renewed = await t.wechat.client.submerchant.update({ info: { ...info, merchant_id, end_time: t.sandbox.world.clock.now() + YEAR } });
    expect(renewed.info.status).toBe('CHECKING');
  });

  it('answers 43014 while the platform authorization is off', async () => {
    const { merchant_id } = (await t.wechat.client.submerchant.submit({ info })).info;
    await t.sandbox.control('submerchants/review', { merchant_id, pass: false });
    await t.sandbox.control('submerchants/platform-authorization', { authorized: false });
    expect(await wechatFailure(t.wechat.client.submerchant.submit({ info }))).toMatchObject({ kind: 'api', errcode: 43014, endpoint: '/card/submerchant/submit' });
    expect(await wechatFailure(t.wechat.client.submerchant.update({ info: { ...info, merchant_id } }))).toMatchObject({ kind: 'api', errcode: 43014, endpoint: '/card/submerchant/update' });
    // Reading stays possible.
    expect((await t.wechat.client.submerchant.get({ merchant_id })).info.status).toBe('REJECTED');
    await t.sandbox.control('submerchants/platform-authorization', { authorized: true });
    await expect(t.wechat.client.submerchant.submit({ info })).resolves.toMatchObject({ info: { status: 'CHECKING' } });
  });

  it('refuses an overlong field in the client (no call), and the sandbox answers it 45021', async () => {
    const token = await t.wechat.tokens.get();
    const tooLong: SubmitInfo[] = [
      { ...info, brand_name: '兰州拉面兰州拉面兰州拉面兰' }, // 13 Chinese characters
      { ...info, brand_name: 'a'.repeat(25) }, // 25 letters: more than 12 Chinese characters' worth
      { ...info, logo_url: `http://mmbiz.qpic.cn/${'x'.repeat(108)}` }, // 129 > String(128)
      { ...info, protocol: 'm'.repeat(37) }, // String(36)
      { ...info, app_id: `wx${'0'.repeat(35)}` },
    ];
    for (const bad of tooLong) {
      const err = await wechatFailure(t.wechat.client.submerchant.submit({ info: bad }));
      expect(err).toMatchObject({ kind: 'invalid_request', errcode: null, endpoint: '/card/submerchant/submit' });
    }
    expect(t.sandbox.world.calls.get('submerchant.submit')).toBe(0);
    for (const bad of tooLong) {
      expect(await t.sandbox.raw('/card/submerchant/submit', { info: bad }, token)).toMatchObject({ errcode: 45021 });
      expect(await t.sandbox.raw('/card/submerchant/update', { info: { ...bad, merchant_id: 1 } }, token)).toMatchObject({ errcode: 45021 });
    }
    // 12 Chinese characters, or 24 letters, are within the limit.
    await expect(t.wechat.client.submerchant.submit({ info: { ...info, brand_name: '兰州拉面兰州拉面兰州拉面' } })).resolves.toBeDefined();
    await expect(t.wechat.client.submerchant.submit({ info: { ...info, brand_name: 'a'.repeat(24) } })).resolves.toBeDefined();
  });

  it('pages batchget through next_begin_id: over 100 sub-merchants, each exactly once', async () => {
    const total = 230;
    for (let i = 0; i < total; i++) t.sandbox.world.submerchant.submit({ ...info, brand_name: `m${i}` });
    const seen: number[] = [];
    let begin_id = 0;
    let pages = 0;
    for (;;) {
      const page = await t.wechat.client.submerchant.batchGet({ begin_id, limit: 100 });
      if (page.info_list.length === 0) break;
      expect(page.info_list.length).toBeLessThanOrEqual(100);
      expect(page.next_begin_id).toBe(page.info_list.at(-1)!.merchant_id);
      seen.push(...page.info_list.map((m) => m.merchant_id));
      begin_id = page.next_begin_id;
      if (++pages > 10) throw new Error('batchget does not advance through next_begin_id');
    }
    expect(pages).toBe(3);
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // The page after the last one is empty and says where it stood.
    expect(await t.wechat.client.submerchant.batchGet({ begin_id, limit: 100 })).toMatchObject({ info_list: [], next_begin_id: begin_id });
  });

  it('filters batchget by status, and the client refuses a limit over 100', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await t.wechat.client.submerchant.submit({ info })).info.merchant_id);
    await t.sandbox.control('submerchants/review', { merchant_id: ids[1], pass: true });
    await t.sandbox.control('submerchants/review', { merchant_id: ids[3], pass: true });
    const approved = await t.wechat.client.submerchant.batchGet({ begin_id: 0, limit: 1, status: 'APPROVED' });
    expect(approved.info_list.map((m) => m.merchant_id)).toEqual([ids[1]]);
    const next = await t.wechat.client.submerchant.batchGet({ begin_id: approved.next_begin_id, limit: 1, status: 'APPROVED' });
    expect(next.info_list.map((m) => m.merchant_id)).toEqual([ids[3]]);
    expect((await t.wechat.client.submerchant.batchGet({ begin_id: 0, limit: 100, status: 'CHECKING' })).info_list).toHaveLength(3);

    const calls = t.sandbox.world.calls.get('submerchant.batchGet');
    expect(await wechatFailure(t.wechat.client.submerchant.batchGet({ begin_id: 0, limit: 101 }))).toMatchObject({ kind: 'invalid_request' });
    expect(t.sandbox.world.calls.get('submerchant.batchGet')).toBe(calls);
    const token = await t.wechat.tokens.get();
    expect(await t.sandbox.raw('/card/submerchant/batchget', { begin_id: 0, limit: 101 }, token)).toMatchObject({ errcode: 40097 });
  });
});
