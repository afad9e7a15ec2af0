import type { GiftCardOrder } from '@giftcard/shared';
import { startBff } from '../support/app';
import { gc } from '../support/cli';
import { giftCard, shelf, TEST_SUB_MCH_ID } from '../support/giftcards';
import type { TestSandbox } from '../support/sandbox';

type Report = { page_id: string; missing: string | null; steps: { step: string; status: string; action: string | null }[] };

/** `pnpm gc golive --page <page_id>` (GET /admin/shelves/:page_id/golive): the go-live path as the merchant walks it (002 §7.2 note 4, §8). */
describe('pnpm gc golive', () => {
  let bff: Awaited<ReturnType<typeof startBff>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    bff = await startBff();
    env = { GC_URL: bff.origin, ADMIN_TOKEN: bff.config.adminToken };
  });
  afterAll(() => bff.close());

  const run = async (...argv: string[]) => {
    const r = await gc(argv, env);
    if (r.code !== 0) throw new Error(`gc ${argv.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout) as any;
  };
  const report = async (pageId: string): Promise<Report> => run('golive', '--page', pageId);
  const status = (r: Report) => Object.fromEntries(r.steps.map((s) => [s.step, s.status]));
  const purchase = (pageId: string, cardId: string, openid = 'o_public') =>
    bff.control<GiftCardOrder>('shelves/buy', { openid, page_id: pageId, items: [{ card_id: cardId, count: 1 }] }).then(
      (o) => ({ ok: true as const, order: o }),
      (e: Error) => ({ ok: false as const, message: e.message }),
    );

  it('reports the next missing step after each one, and the shelf sells once the path is walked', async () => {
    const wxa = bff.config.wxaAppid;
    const { card_id } = await run('cards', 'create', '--json', JSON.stringify(giftCard(bff as unknown as TestSandbox)));
    const { page_id } = await run('shelves', 'add', '--json', JSON.stringify(shelf([card_id])));

    let r = await report(page_id);
    expect(r.missing).toBe('pay.whitelist');
    expect(status(r)).toEqual({ shelf: 'done', on_sale: 'done', 'pay.whitelist': 'missing', 'pay.confirm': 'missing', 'pay.bind': 'missing', 'wxa.set': 'missing', review: 'back_office' });
    expect(r.steps.find((s) => s.step === 'pay.whitelist')!.action).toMatch(/^pnpm gc pay whitelist sub_mch_id=/);
    expect(await purchase(page_id, card_id)).toMatchObject({ ok: false, message: expect.stringMatching(/40097.*awaiting review|awaiting review.*40097/) });

    const { url } = await run('pay', 'whitelist', `sub_mch_id=${TEST_SUB_MCH_ID}`);
    r = await report(page_id);
    expect(r.missing).toBe('pay.confirm');
    expect(r.steps.find((s) => s.step === 'pay.confirm')).toMatchObject({ status: 'pending', action: expect.stringContaining(url) });
    // Out of order: bound before the merchant confirmed.
    const early = await gc(['pay', 'bind', `sub_mch_id=${TEST_SUB_MCH_ID}`, `wxa_appid=${wxa}`], env);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('40097');

    await bff.control('pay/confirm', { sub_mch_id: TEST_SUB_MCH_ID }); // the WeChat Pay back office
    expect((await report(page_id)).missing).toBe('pay.confirm'); // the BFF sees it once the bind succeeds
    await run('pay', 'bind', `sub_mch_id=${TEST_SUB_MCH_ID}`, `wxa_appid=${wxa}`);
    r = await report(page_id);
    expect(r.missing).toBe('wxa.set');
    expect(r.steps.find((s) => s.step === 'wxa.set')!.action).toBe(`pnpm gc wxa set wxa_appid=${wxa} page_id=${page_id}`);

    await run('wxa', 'set', `wxa_appid=${wxa}`, `page_id=${page_id}`);
    r = await report(page_id);
    expect(r.missing).toBeNull();
    expect(r.steps.find((s) => s.step === 'review')).toMatchObject({ status: 'back_office', action: expect.stringContaining('mp.weixin.qq.com') });

    // The review is WeChat's: a test user on the whitelist buys before it, everybody after.
    expect(await purchase(page_id, card_id)).toMatchObject({ ok: false, message: expect.stringMatching(/awaiting review/) });
    await bff.control('shelves/testers', { openid: 'o_tester' });
    expect(await purchase(page_id, card_id, 'o_tester')).toMatchObject({ ok: true });
    await bff.control('shelves/review', { page_id, result: 'approved' });
    expect(await purchase(page_id, card_id)).toMatchObject({ ok: true });

    // Off sale is a missing step too.
    await run('shelves', 'maintain', `page_id=${page_id}`, 'maintain:=true');
    expect((await report(page_id)).missing).toBe('on_sale');
  });

  it('a shelf WeChat does not know is the first missing step; --page is required', async () => {
    expect((await report('no-such-page')).missing).toBe('shelf');
    const r = await gc(['golive', '--page'], env);
    expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining("Option '--page <value>' argument missing") });
  });
});
