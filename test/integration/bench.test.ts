import { spawn } from 'node:child_process';
import path from 'node:path';
import Redis from 'ioredis';

/**
 * `pnpm bench` as a smoke run, tiny sizes: every benchmark runs to its end and prints its JSON line.
 * No figure is judged here (speed is the benchmarks' business, not the tests'); this catches a runner
 * that hangs or a benchmark that breaks, which once went unnoticed for two sessions.
 */
const root = path.resolve(__dirname, '../..');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';

async function benchKeys(redis: Redis): Promise<number> {
  let count = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'gc:bench:*', 'COUNT', 1000);
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}

/** The till and list benchmarks at their smallest (their set-up still buys 201 cards, and 4 users' 3 orders each). */
const SMALL_TILL_AND_LISTS = {
  REDEEM_DEBITS: '40',
  REDEEM_WARMUP: '8',
  API_LISTS_USERS: '4',
  API_LISTS_ORDERS: '3',
  API_LISTS_REQUESTS: '60',
  API_LISTS_WARMUP: '12',
  API_LISTS_STALE_REQUESTS: '20',
};

const expectNumbers = (o: Record<string, unknown>, fields: string[]) => {
  for (const f of fields) expect({ [f]: typeof o[f] }).toEqual({ [f]: 'number' });
};

function checkRedeem(line: Record<string, unknown>) {
  expect(line).toMatchObject({ name: 'redeem', tills: 8 });
  for (const scenario of ['spread', 'hot']) {
    const s = line[scenario] as Record<string, unknown>;
    expect(s).toMatchObject({ cards: scenario === 'hot' ? 1 : 200, debits: 40, exact: true });
    expectNumbers(s, ['debits_per_s', 'p50_ms', 'p99_ms', 'applied', 'refused', 'wechat_calls_per_debit']);
    expect(s.applied as number).toBeGreaterThan(0);
    expectNumbers(s.cpu_us_per_debit as Record<string, unknown>, ['redis', 'load']);
  }
}

function checkApiLists(line: Record<string, unknown>) {
  expect(line).toMatchObject({ name: 'api_lists', users: 4, orders_per_user: 3, target: { p99_ms: 20, wechat_calls_per_request: 0.1 } });
  expectNumbers(line, ['projection_max_age_s', 'setup_s']);
  for (const booleans of Object.values(line.target_met as Record<string, unknown>)) expect(typeof booleans).toBe('boolean');
  for (const phase of [line, line.all_stale as Record<string, unknown>]) {
    for (const list of ['cards', 'orders']) {
      const l = phase[list] as Record<string, unknown>;
      expect(l).toMatchObject({ non_200: 0 });
      expectNumbers(l, ['requests', 'rps', 'p50_ms', 'p99_ms', 'wechat_calls_per_request', 'response_bytes']);
    }
  }
}

describe('pnpm bench', () => {
  it('runs every benchmark to its end, one JSON line each, and leaves no keys behind', async () => {
    const redis = new Redis(redisUrl);
    try {
      const keysBefore = await benchKeys(redis);
      const child = spawn('node', ['scripts/bench.js'], {
        cwd: root,
        env: {
          ...process.env,
          REDIS_URL: redisUrl,
          BENCH_PUSHES: '300',
          BENCH_ROUNDS: '1',
          BENCH_CALLS: '200',
          BENCH_LIMIT_MS: '90000',
          BENCH_WEBHOOKS: '200',
          BENCH_SCALING_PUSHES: '300',
          BENCH_SCALING_ROUNDS: '2',
          ...SMALL_TILL_AND_LISTS,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });

      const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => l.bench).sort()).toEqual(['api_lists', 'callback_ingest_aes', 'callback_ingest_plain', 'callback_scaling', 'redeem', 'webhooks', 'wechat_client_calls']);
      for (const line of lines.filter((l) => String(l.bench).startsWith('callback_ingest'))) {
        expect(line).toMatchObject({ pushes: 300, rounds: 1, connections: 64, non_200: 0 });
        expect(line).toMatchObject({ co_wechat_non_200: 0, steps_only_non_200: 0 });
        const figures = ['rps', 'p50_ms', 'p99_ms', 'bare_koa_rps', 'co_wechat_rps', 'steps_only_rps', 'ratio', 'ratio_co_wechat', 'ratio_steps_only'];
        for (const figure of [...figures, 'ratio_ceiling', 'ceiling_share', 'steps_only_ceiling_share']) expect(line[figure]).toBeGreaterThan(0);
        expect(line.ratio_ceiling_per_round).toHaveLength(1);
        for (const met of Object.values(line.target_met as Record<string, unknown>)) expect(typeof met).toBe('boolean');
        const steps = line.pure_steps_us_per_push as Record<string, number>;
        expect(steps.total).toBeCloseTo(steps.open! + steps.record! + steps.store! + steps.seal!, 0);
        expect(steps.store).toBeGreaterThan(0);
        // Safe mode seals its ack (an encrypted reply); plain mode answers as is.
        expect(steps.seal! > 0).toBe(line.bench === 'callback_ingest_aes');
      }
      const scaling = lines.find((l) => l.bench === 'callback_scaling')!;
      const coWechat = scaling.co_wechat as Record<string, Record<string, unknown>>;
      for (const run of [scaling.workers_1, scaling.workers_2, scaling.workers_2_same_load_per_process, (scaling.wait_cost as Record<string, unknown>).without_replicas] as Record<string, unknown>[]) {
        expect(run).toMatchObject({ non_200: 0 });
        expectNumbers(run, ['rps', 'p50_ms', 'p99_ms', 'cpu_us_per_push', 'redis_cpu_us_per_push', 'pushes_per_store_batch']);
      }
      for (const run of [coWechat.workers_1!, coWechat.workers_2!]) {
        expect(run).toMatchObject({ non_200: 0 });
        expectNumbers(run, ['rps', 'p99_ms', 'cpu_us_per_push']);
      }
      for (const run of [scaling.workers_2, coWechat.workers_2] as { cpu_us_per_push_by_process: number[] }[]) expect(run.cpu_us_per_push_by_process).toHaveLength(2);
      expect(scaling.cpu_per_push_2_over_1_per_round).toHaveLength(2);
      expectNumbers(scaling, ['rps_2_over_1', 'cpu_per_push_2_over_1', 'cpu_per_push_2_over_1_same_load_per_process', 'cpu_per_push_2_over_1_relative_to_co_wechat']);
      expect(scaling.workers_2_same_load_per_process).toMatchObject({ connections: 128 });
      expectNumbers(coWechat, ['cpu_per_push_2_over_1']);
      for (const met of Object.values(scaling.target_met as Record<string, unknown>)) expect(typeof met).toBe('boolean');
      expect(lines.find((l) => l.bench === 'wechat_client_calls')).toMatchObject({ calls: 200, token_fetches: 1 });
      checkRedeem(lines.find((l) => l.bench === 'redeem')!);
      checkApiLists(lines.find((l) => l.bench === 'api_lists')!);
      const webhooks = lines.find((l) => l.bench === 'webhooks')!;
      expect(webhooks).toMatchObject({ events: 200, attempts_per_event: 1, bad_signatures: 0, all_delivered: true });
      expectNumbers(webhooks, ['events_per_s', 'p50_ms', 'p99_ms']);
      expectNumbers(webhooks.paced as Record<string, unknown>, ['events', 'p50_ms', 'p99_ms']);
      expect(await benchKeys(redis)).toBe(keysBefore);
    } finally {
      redis.disconnect();
    }
  }, 240_000);
});
