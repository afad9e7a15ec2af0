// `pnpm bench`: every benchmark in bff/dist/bench (built by `pnpm build`), one JSON line each.
// Benchmarks are the .js files directly in that folder; their helpers live in bench/support/ (one of
// them is a server that never exits by itself, so it must never be run as a benchmark).
const fs = require('node:fs');
const path = require('node:path');
const { ensureRedis } = require('./redis');
const { run } = require('./run');

/** A benchmark still running after this long has hung: it is stopped and counted as failed. */
const LIMIT_MS = Number(process.env.BENCH_LIMIT_MS ?? 15 * 60 * 1000);

(async () => {
  const dir = path.join(__dirname, '..', 'bff', 'dist', 'bench');
  if (!fs.existsSync(dir)) {
    console.error('No build found: run `pnpm build` first.');
    process.exit(1);
  }
  const redis = await ensureRedis();
  const benches = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((f) => f.isFile() && f.name.endsWith('.js'))
    .map((f) => f.name)
    .sort();
  let failed = 0;
  for (const file of benches) {
    const code = await run('node', [path.join(dir, file)], { env: { ...process.env, REDIS_URL: redis.url }, timeout: LIMIT_MS });
    if (code !== 0) {
      console.error(`${file}: failed (exit code ${code})`);
      failed++;
    }
  }
  redis.stop();
  process.exit(failed ? 1 : 0);
})();
