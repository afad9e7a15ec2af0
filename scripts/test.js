// `pnpm test`: every test. Builds and type-checks every package (weapp and H5 included), checks the
// weapp size budget, then runs all jest projects (unit, integration against real Redis, browser).
const { ensureRedis } = require('./redis');
const { run, must } = require('./run');

(async () => {
  const redis = await ensureRedis();
  if (redis.started) console.log(`No Redis answered; started a private redis-server at ${redis.url}`);
  const env = { ...process.env, REDIS_URL: redis.url };
  await must('pnpm', ['build'], { env });
  await must('pnpm', ['--filter', '@giftcard/miniprogram', 'run', 'size'], { env });
  const code = await run('pnpm', ['exec', 'jest', ...process.argv.slice(2)], { env });
  redis.stop();
  process.exit(code);
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
