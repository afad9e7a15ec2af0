import { formatCst } from '../../src/cli/pos';
import { gc as runGc } from '../support/cli';
import { startBff } from '../support/app';
import { boughtCard, terminal, wechatBalance, type Bff, type Terminal } from './support';

/** `pnpm gc pos …` in-process against the real BFF: what the till would show. */
const gc = (argv: string[], env: Record<string, string | undefined>) => runGc(['pos', ...argv], env);

describe('pnpm gc pos', () => {
  let bff: Bff;
  let till: Terminal;
  let env: Record<string, string>;
  beforeAll(async () => {
    bff = await startBff();
    till = await terminal(bff);
    env = { GC_URL: bff.origin, GC_TERMINAL_KEY: till.key };
  });
  afterAll(() => bff.close());

  it('previews, debits (a retry with the printed key debits nothing more), reverses and lists, as the till shows them', async () => {
    const { code } = await boughtCard(bff, { price: 5000, title: '¥50 心意卡' });
    const preview = await gc(['preview', code], env);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain('¥50 心意卡');
    expect(preview.stdout).toContain('余额    ¥50.00');
    expect(preview.stdout).toContain('状态    可使用');

    const debit = await gc(['debit', code, '1200', 'note=小票 9'], env);
    expect(debit.code).toBe(0);
    expect(debit.stdout).toMatch(/扣款成功 {2}¥12\.00/);
    expect(debit.stdout).toContain('余额    ¥38.00');
    const key = /key {5}(\S+)/.exec(debit.stdout)![1]!;
    const id = /流水号 {2}(rd_\S+)/.exec(debit.stdout)![1]!;
    const retry = await gc(['debit', code, '1200', `key=${key}`, 'note=小票 9'], env);
    expect(retry.stdout).toContain('已扣款（重复请求，未再次扣款）');
    expect(wechatBalance(bff, code)).toBe(3800);

    const history = await gc(['history', code], env);
    expect(history.stdout).toContain(id);
    expect(history.stdout).toContain('消费     ¥12.00');

    const reverse = await gc(['reverse', id], env);
    expect(reverse.code).toBe(0);
    expect(reverse.stdout).toContain('撤销成功  退回 ¥12.00');
    expect(wechatBalance(bff, code)).toBe(5000);
    const twice = await gc(['reverse', id], env);
    expect(twice.code).toBe(1);
    expect(JSON.parse(twice.stderr).error.code).toBe('already_reversed');
    expect((await gc(['history', code], env)).stdout).toContain('已撤销');
  });

  it('refusals go to stderr with exit code 1; without a terminal key nothing is asked; --json prints the answer', async () => {
    const { code } = await boughtCard(bff, { price: 500 });
    const refused = await gc(['debit', code, '600'], env);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stderr).error.code).toBe('insufficient_balance');
    expect((await gc(['preview', code], {})).code).toBe(1);
    expect((await gc(['debit', code, '12.5'], env)).stderr).toContain('amount in fen');
    const json = await gc(['preview', code, '--json'], env);
    expect(JSON.parse(json.stdout).card.balance).toBe(500);
  });

  it('takes key= and note= as text and nothing else: key:=123 or an unknown field is a usage error, and nothing is debited', async () => {
    const { code } = await boughtCard(bff, { price: 500 });
    for (const [field, says] of [
      ['key:=123', 'key takes text'],
      ['amount=100', 'unknown field amount'],
    ] as const) {
      const run = await gc(['debit', code, '100', field], env);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(says);
    }
    expect(wechatBalance(bff, code)).toBe(500);
  });

  it('prints China Standard Time whatever the shell zone', () => {
    expect(formatCst(Date.UTC(2026, 11, 1, 6, 5) / 1000)).toBe('2026年12月1日 14:05');
  });
});
