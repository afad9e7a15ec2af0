import { execFile } from 'node:child_process';
import path from 'node:path';
import type { GiftCardOrder } from '@giftcard/shared';
import { startDemoStack, type DemoStack } from '../support/demo-stack';

const root = path.resolve(__dirname, '../..');

/**
 * The go-live path (002 §7.2 note 4, §8) walked as a merchant walks it: the `pnpm gc` command line
 * (`node bff/dist/cli/main.js`, GC_URL and ADMIN_TOKEN) against `pnpm start`'s stack, WeChat's back offices
 * as the sandbox's actions. `pnpm build` first.
 */
describe('going live through pnpm gc against pnpm start', () => {
  let stack: DemoStack;
  beforeAll(async () => {
    stack = await startDemoStack('e2e-golive');
  }, 60_000);
  afterAll(() => stack?.stop());

  function gc(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = execFile('node', ['bff/dist/cli/main.js', ...argv], { cwd: root, env: { ...process.env, GC_URL: stack.origin, ADMIN_TOKEN: stack.adminToken } }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      // Nothing on stdin: the input is in the arguments (the CLI reads a piped stdin to its end).
      child.stdin?.end();
    });
  }
  async function gcJson<T = any>(...argv: string[]): Promise<T> {
    const r = await gc(...argv);
    if (r.code !== 0) throw new Error(`pnpm gc ${argv.join(' ')}: exit ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  }
  const buyAs = (openid: string, pageId: string, cardId: string) =>
    stack.control<GiftCardOrder>('shelves/buy', { openid, page_id: pageId, items: [{ card_id: cardId, count: 1 }] }).then(
      (order) => ({ ok: true as const, order }),
      (e: Error) => ({ ok: false as const, message: e.message }),
    );

  it('a new shelf sells only after the whole path; pnpm gc golive names the step missing each time', async () => {
    // The demo merchant walked WeChat Pay access already (the demo seed): a second shelf needs wxa/set and the review.
    const { page: demo } = await gcJson<{ page: { theme_list: { item_list: { card_id: string }[] }[] } }>('shelves', 'get', `page_id=${(await gcJson<{ page_id_list: string[] }>('shelves', 'list')).page_id_list[0]}`);
    const cardId = demo.theme_list[0]!.item_list[0]!.card_id;
    const page = {
      page_title: '新年礼品卡',
      support_buy_for_self: true,
      banner_pic_url: `${stack.origin}/sandbox/assets/banner.svg`,
      theme_list: [{ theme_pic_url: `${stack.origin}/sandbox/assets/theme-thanks.svg`, title: '新年快乐', title_color: '#FB966E', item_list: [{ card_id: cardId }], pic_item_list: [{ background_pic_url: `${stack.origin}/sandbox/assets/face-thanks.svg`, default_gifting_msg: '新年快乐' }] }],
      address: '广州市海珠区新港中路 397 号',
      service_phone: '020-88888888',
      biz_description: '礼品卡自购买之日起一年内有效。',
      cell_1: { title: '订单与发票', url: `${stack.origin}/landing/order` },
      cell_2: { title: '退款与客服', url: `${stack.origin}/landing/order` },
    };
    const { page_id } = await gcJson<{ page_id: string }>('shelves', 'add', '--json', JSON.stringify(page));

    let report = await gcJson('golive', '--page', page_id);
    expect(report.missing).toBe('wxa.set');
    expect(Object.fromEntries(report.steps.map((s: { step: string; status: string }) => [s.step, s.status]))).toMatchObject({ 'pay.whitelist': 'done', 'pay.confirm': 'done', 'pay.bind': 'done', 'wxa.set': 'missing', review: 'back_office' });
    expect(await buyAs('o_golive_public', page_id, cardId)).toMatchObject({ ok: false, message: expect.stringMatching(/awaiting review/) });

    // The merchant's own WeChat account is on the test whitelist: the shelf still needs its Mini Program.
    await stack.control('shelves/testers', { openid: 'o_golive_tester' });
    expect(await buyAs('o_golive_tester', page_id, cardId)).toMatchObject({ ok: false, message: expect.stringMatching(/wxa\/set/) });

    const wxaAppid = /wxa_appid=(\S+)/.exec(report.steps.find((s: { step: string }) => s.step === 'wxa.set').action)![1]!;
    await gcJson('wxa', 'set', `wxa_appid=${wxaAppid}`, `page_id=${page_id}`);
    report = await gcJson('golive', '--page', page_id);
    expect(report.missing).toBeNull();
    expect(await buyAs('o_golive_tester', page_id, cardId)).toMatchObject({ ok: true });
    expect(await buyAs('o_golive_public', page_id, cardId)).toMatchObject({ ok: false, message: expect.stringMatching(/awaiting review/) });

    // WeChat approves the shelf: everybody buys.
    await stack.control('shelves/review', { page_id, result: 'approved' });
    expect(await buyAs('o_golive_public', page_id, cardId)).toMatchObject({ ok: true });

    // A refusal of the command line is JSON on stderr and exit code 1.
    const unknown = await gc('golive');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/page_id/);
  }, 60_000);
});
