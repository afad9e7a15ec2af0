// `pnpm start`: the whole system on this machine. Builds every package, makes sure a Redis answers
// (starting a private one if needed), then runs the BFF in sandbox mode (WeChat sandbox mounted under
// /sandbox) and prints its URLs. Settings from the environment win over the sandbox's demo values.
const path = require('node:path');
const { ensureRedis } = require('./redis');
const { run, must } = require('./run');

(async () => {
  const redis = await ensureRedis();
  if (redis.started) console.log(`No Redis answered at ${process.env.REDIS_URL || 'redis://127.0.0.1:6379/0'}; started a private redis-server at ${redis.url}`);
  if (!process.argv.includes('--no-build')) await must('pnpm', ['build']);
  const env = { SANDBOX: '1', ...process.env, REDIS_URL: redis.url };
  const port = env.PORT || '3000';
  const host = env.HOST || '127.0.0.1';
  const origin = `http://${host}:${port}`;
  console.log(
    [
      '',
      `BFF:            ${origin}`,
      `Health:         ${origin}/healthz   ${origin}/readyz   ${origin}/metrics (bearer METRICS_TOKEN, printed below unless set)`,
      `WeChat sandbox: ${origin}/sandbox   (control: ${origin}/sandbox/_control/calls)`,
      `Redis:          ${redis.url}`,
      '',
    ].join('\n'),
  );
  const code = await run('node', [path.join(__dirname, '..', 'bff', 'dist', 'main.js')], { env });
  redis.stop();
  process.exit(code);
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
