// `pnpm bench`: every benchmark in bff/dist/bench (built by `pnpm build`), one JSON line each.
const fs = require('node:fs');
const path = require('node:path');
const { ensureRedis } = require('./redis');
const { run } = require('./run');

(async () => {
  const dir = path.join(__dirname, '..', 'bff', 'dist', 'bench');
  if (!fs.existsSync(dir)) {
    console.error('No build found: run `pnpm build` first.');
    process.exit(1);
  }
  const redis = await ensureRedis();
  const benches = fs.readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'percentiles.js');
  let failed = 0;
  for (const file of benches) {
    const code = await run('node', [path.join(dir, file)], { env: { ...process.env, REDIS_URL: redis.url } });
    if (code !== 0) failed++;
  }
  redis.stop();
  process.exit(failed ? 1 : 0);
})();
