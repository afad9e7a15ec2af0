import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GiftCardOrder } from '@giftcard/shared';
import { ADMIN_OPERATIONS } from '../../src/admin/operations';
import { ProgressReporter, renderBar } from '../../src/cli/progress';
import { runCli, type CliIO } from '../../src/cli/run';
import { giftCard, shelf } from '../support/giftcards';
import { startAdmin, type TestAdmin } from './support';

const DAY = 24 * 60 * 60;

/** runCli with captured output; stdin a terminal (nothing to read) unless text is given. */
async function gc(argv: string[], env: Record<string, string | undefined>, opts: { stdin?: string; tty?: boolean; columns?: number } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdin: Object.assign((async function* () {
      if (opts.stdin !== undefined) yield Buffer.from(opts.stdin);
    })(), { isTTY: opts.stdin === undefined }),
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: opts.tty ?? false, columns: opts.columns },
    env,
    fetch,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}

describe('progress bar', () => {
  it('renders the fraction, the window and the counts', () => {
    expect(renderBar({ fraction: 0, window: 0, windows: 3, orders: 0, pages: 0 }, 120)).toBe(
      `[${'-'.repeat(40)}]   0%  window 1/3  0 orders  0 pages`,
    );
    expect(renderBar({ fraction: 0.5, window: 1, windows: 3, orders: 250, pages: 4 }, 120)).toBe(
      `[${'#'.repeat(20)}${'-'.repeat(20)}]  50%  window 2/3  250 orders  4 pages`,
    );
    // Narrower terminals get a shorter bar; the line never exceeds them (down to a 10-wide bar).
    const narrow = renderBar({ fraction: 1, window: 2, windows: 3, orders: 453, pages: 7 }, 60);
    expect(narrow).toMatch(/^\[#+\] 100%  window 3\/3  453 orders  7 pages$/);
    expect(narrow.length).toBeLessThanOrEqual(60);
  });

  it('redraws in place on a terminal, throttled; plain lines elsewhere', () => {
    let out = '';
    let t = 0;
    const tty = new ProgressReporter({ write: (s: string) => (out += s), isTTY: true, columns: 100 }, 'export', () => t, 100);
    tty.update({ fraction: 0.1, window: 0, windows: 2, orders: 10, pages: 1 });
    t = 50;
    tty.update({ fraction: 0.2, window: 0, windows: 2, orders: 20, pages: 2 });
    t = 200;
    tty.update({ fraction: 0.6, window: 1, windows: 2, orders: 60, pages: 3 });
    tty.finish({ fraction: 1, window: 1, windows: 2, orders: 99, pages: 4 });
    const frames = out.split('\r\x1b[2K').filter(Boolean);
    expect(frames).toHaveLength(3);
    expect(frames[0]).toContain(' 10%');
    expect(frames[1]).toContain(' 60%');
    expect(frames[2]).toMatch(/^export \[#+\] 100% {2}window 2\/2 {2}99 orders {2}4 pages\n$/);

    let log = '';
    const plain = new ProgressReporter({ write: (s: string) => (log += s), isTTY: false }, 'export', () => 0, 1000);
    plain.update({ fraction: 0.25, window: 0, windows: 2, orders: 5, pages: 1 });
    plain.update({ fraction: 0.5, window: 1, windows: 2, orders: 6, pages: 2 });
    plain.finish({ fraction: 1, window: 1, windows: 2, orders: 9, pages: 3 });
    expect(log).toBe('export: 25% (window 1/2, 5 orders, 1 pages)\nexport: 100% (window 2/2, 9 orders, 3 pages)\n');
  });
});

/** `pnpm gc` against the real BFF over HTTP, in-process. */
describe('pnpm gc (runCli)', () => {
  let admin: TestAdmin;
  let env: Record<string, string>;

  beforeAll(async () => {
    admin = await startAdmin();
    env = { GC_URL: admin.origin, ADMIN_TOKEN: admin.config.adminToken };
  });
  afterAll(async () => {
    await admin.close();
  });

  it('help lists every operation of the route table', async () => {
    const r = await gc(['help'], {});
    expect(r.code).toBe(0);
    for (const o of ADMIN_OPERATIONS) expect(r.stdout).toContain(`${o.method.padEnd(6)} /admin${o.path}`);
    expect(r.stdout).toContain('002 §9.1');
    expect((await gc([], {})).stdout).toBe(r.stdout);
    const area = await gc(['help', 'orders'], {});
    expect(area.stdout).toContain('export');
    expect(area.stdout).not.toContain('/admin/shelves');
  });

  it('runs an operation: --json, key=value, key:=json, --file, stdin', async () => {
    const created = await gc(['cards', 'create', '--json', JSON.stringify(giftCard(admin.sandbox))], env);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const { card_id } = created.json();
    expect(admin.world.cards.catalogue.find(card_id)).toBeDefined();

    const dir = await mkdtemp(join(tmpdir(), 'gc-cli-'));
    const shelfFile = join(dir, 'shelf.json');
    await writeFile(shelfFile, JSON.stringify(shelf([card_id])));
    const added = await gc(['shelves', 'add', '--file', shelfFile], env);
    expect(added.code).toBe(0);
    const { page_id } = added.json();

    // A path field ("page_id") fills the URL, encoded.
    const got = await gc(['shelves', 'get', `page_id=${page_id}`], env);
    expect(got.code).toBe(0);
    expect(got.json().page.theme_list[0].item_list).toEqual([{ card_id }]);

    const maintained = await gc(['shelves', 'maintain', `page_id=${page_id}`, 'maintain:=true'], env);
    expect(maintained.code).toBe(0);
    expect(admin.world.cards.shelves.isMaintained(page_id)).toBe(true);

    const viaStdin = await gc(['shelves', 'maintain'], env, { stdin: JSON.stringify({ page_id, maintain: false }) });
    expect(viaStdin.code).toBe(0);
    expect(admin.world.cards.shelves.isMaintained(page_id)).toBe(false);

    const list = await gc(['products', 'list', 'limit=5'], env);
    expect(list).toMatchObject({ code: 0 });
    expect(list.json()).toEqual({ total: 0, key_list: [] });
  });

  it('prints errors as JSON on stderr with exit code 1', async () => {
    const wechat = await gc(['orders', 'get', 'order_id=Z0000'], env);
    expect(wechat).toMatchObject({ code: 1, stdout: '' });
    expect(JSON.parse(wechat.stderr).error).toMatchObject({ code: 'not_found', wechat: { errcode: 40097 } });

    const before = admin.world.calls.get('giftcard.createCard');
    const limit = await gc(['cards', 'create', '--json', JSON.stringify({ ...giftCard(admin.sandbox), card_type: 'X' })], env);
    expect(limit.code).toBe(1);
    expect(JSON.parse(limit.stderr).error.code).toBe('invalid_request');
    expect(admin.world.calls.get('giftcard.createCard')).toBe(before);

    const wrongToken = await gc(['shelves', 'list'], { ...env, ADMIN_TOKEN: 'not-the-token-at-all' });
    expect(wrongToken.code).toBe(1);
    expect(JSON.parse(wrongToken.stderr).error.code).toBe('unauthorized');

    expect(await gc(['shelves', 'list'], { GC_URL: admin.origin })).toMatchObject({ code: 1, stderr: expect.stringContaining('ADMIN_TOKEN') });
    expect(await gc(['shelves', 'fly'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('pnpm gc help') });
    expect(await gc(['orders', 'get'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('needs order_id') });
    expect(await gc(['shelves', 'list', '--json', '[1]'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('JSON object') });
    // The command line itself (node:util's parseArgs): an unknown option, a bad :=, a missing value.
    expect(await gc(['shelves', 'list', '--jsno', '{}'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining("Unknown option '--jsno'") });
    expect(await gc(['orders', 'get', 'order_id:={'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('must be JSON') });
    expect(await gc(['shelves', 'list', '--url'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining("'--url <value>'") });
    const down = await gc(['shelves', 'list'], { ...env, GC_URL: 'http://127.0.0.1:1' });
    expect(down.code).toBe(1);
    expect(JSON.parse(down.stderr).error.code).toBe('unreachable');
  });

  describe('orders export over several months', () => {
    let ids: Set<string>;
    let range: string[];
    beforeAll(() => {
      const shop = admin.shop(1000);
      const end = admin.world.clock.now() - 60;
      const begin = end - 120 * DAY;
      ids = new Set(Array.from({ length: 260 }, (_, i) => admin.buy(shop, `o_${i}`, begin + Math.floor((i / 260) * 120 * DAY)).order_id));
      range = [`begin_time:=${begin}`, `end_time:=${end}`];
    });

    it('shows a progress bar on a terminal and prints every order once', async () => {
      const r = await gc(['orders', 'export', ...range], env, { tty: true, columns: 100 });
      expect(r.code).toBe(0);
      const out = r.json() as { orders: GiftCardOrder[]; windows: unknown[]; pages: number };
      expect(out.orders.map((o) => o.order_id).sort()).toEqual([...ids].sort());
      expect(out.windows).toHaveLength(4);
      expect(r.stderr).toContain('\r\x1b[2Korders export [');
      expect(r.stderr).toMatch(/100% {2}window 4\/4 {2}260 orders {2}\d+ pages\n$/);
    });

    it('writes plain progress lines when stderr is not a terminal; --ndjson prints one order a line', async () => {
      const r = await gc(['orders', 'export', ...range, '--ndjson'], env, { tty: false });
      expect(r.code).toBe(0);
      expect(r.stderr).not.toContain('\r');
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^orders export: 100% \(window 4\/4, 260 orders, \d+ pages\)$/);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as GiftCardOrder);
      expect(new Set(lines.map((o) => o.order_id))).toEqual(ids);
      expect(lines).toHaveLength(260);
    });
  });
});
