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

describe('pnpm bench', () => {
  it('runs every benchmark to its end, one JSON line each, and leaves no keys behind', async () => {
    const redis = new Redis(redisUrl);
    try {
      const keysBefore = await benchKeys(redis);
      const child = spawn('node', ['scripts/bench.js'], {
        cwd: root,
        env: { ...process.env, REDIS_URL: redisUrl, BENCH_PUSHES: '300', BENCH_ROUNDS: '1', BENCH_CALLS: '200', BENCH_LIMIT_MS: '90000' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });

      const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => l.bench).sort()).toEqual(['callback_ingest_aes', 'callback_ingest_plain', 'wechat_client_calls']);
      for (const line of lines.filter((l) => String(l.bench).startsWith('callback_ingest'))) {
        expect(line).toMatchObject({ pushes: 300, rounds: 1, connections: 64, non_200: 0 });
        for (const figure of ['rps', 'p50_ms', 'p99_ms', 'bare_koa_rps', 'ratio', 'ratio_ceiling']) expect(line[figure]).toBeGreaterThan(0);
        const steps = line.pure_steps_us_per_push as Record<string, number>;
        expect(steps.total).toBeCloseTo(steps.open! + steps.record! + steps.seal!, 0);
        // Safe mode seals its ack (an encrypted reply); plain mode answers as is.
        expect(steps.seal! > 0).toBe(line.bench === 'callback_ingest_aes');
      }
      expect(lines.find((l) => l.bench === 'wechat_client_calls')).toMatchObject({ calls: 200, token_fetches: 1 });
      expect(await benchKeys(redis)).toBe(keysBefore);
    } finally {
      redis.disconnect();
    }
  }, 120_000);
});
