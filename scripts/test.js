// `pnpm test`: every test. Builds and type-checks every package (weapp and H5 included), checks the
// weapp size budget, then runs all jest projects (unit, integration against real Redis, browser).
const { ensureRedis } = require('./redis');
const { run, must } = require('./run');

// A test that fails while holding a socket or a timer can keep jest from exiting: stop it then, so a
// failure reads as a failure and not as CI's 90-minute limit. The whole suite takes a few minutes.
const JEST_LIMIT_MS = Number(process.env.TEST_LIMIT_MS ?? 30 * 60 * 1000);

(async () => {
  const redis = await ensureRedis();
  if (redis.started) console.log(`No Redis answered; started a private redis-server at ${redis.url}`);
  const env = { ...process.env, REDIS_URL: redis.url };
  await must('pnpm', ['build'], { env });
  await must('pnpm', ['--filter', '@giftcard/miniprogram', 'run', 'size'], { env });
  const code = await run('pnpm', ['exec', 'jest', ...process.argv.slice(2)], { env, timeout: JEST_LIMIT_MS });
  redis.stop();
  process.exit(code);
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
