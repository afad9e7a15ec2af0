// `pnpm start`: the whole system on this machine. Builds every package, makes sure a Redis answers
// (starting a private one if needed), then, in sandbox mode (SANDBOX=1, the default here):
//   1. the WeChat sandbox as a service of its own (sandbox/dist/main.js on SANDBOX_PORT, 3100), pushing
//      WeChat's events to the BFF's /wechat/callback; unless SANDBOX_URL names one already running;
//   2. the BFF (WORKERS respected), pointed at it (SANDBOX_URL) and serving it under /sandbox;
//   3. the demo data, once, over HTTP (the merchant API and the sandbox's user actions);
// and prints the URLs. Settings from the environment win over the demo values. SIGINT/SIGTERM stop both.
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const { ensureRedis } = require('./redis');
const { must } = require('./run');

const root = path.join(__dirname, '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = [];
let redis;
let stopping = false;

/** Stops every child (the signal passed on), waits for them, stops a private Redis; their exit codes. */
async function stopAll(signal = 'SIGTERM') {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill(signal);
  const codes = await Promise.all(children.map((c) => c.exited));
  redis?.stop();
  return codes;
}

/** A child with inherited stdio; `exited` resolves with its exit code. */
function start(file, env) {
  const child = spawn('node', [file], { stdio: 'inherit', env });
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  return child;
}

/** Polls `url` until it answers 2xx; fails when `child` exits first or after `ms`. */
async function answers(url, child, what, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited (code ${child.exitCode}) before it answered at ${url}`);
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    if (res?.ok) return;
    await sleep(100);
  }
  throw new Error(`${what} did not answer at ${url} within ${ms / 1000} s`);
}

(async () => {
  redis = await ensureRedis();
  if (redis.started) console.log(`No Redis answered at ${process.env.REDIS_URL || 'redis://127.0.0.1:6379/0'}; started a private redis-server at ${redis.url}`);
  if (!process.argv.includes('--no-build')) await must('pnpm', ['build']);
  const env = { SANDBOX: '1', ...process.env, REDIS_URL: redis.url };
  const port = env.PORT || '3000';
  const host = env.HOST || '127.0.0.1';
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const sandboxMode = env.SANDBOX === '1';
  // The demo seed calls the merchant API: an admin token made up here (and printed) unless one is given,
  // handed to the BFF, so every worker takes the same.
  const adminGenerated = sandboxMode && !env.ADMIN_TOKEN;
  if (adminGenerated) env.ADMIN_TOKEN = randomBytes(18).toString('base64url');
  const startSandbox = sandboxMode && !env.SANDBOX_URL;
  const sandboxUrl = sandboxMode ? (env.SANDBOX_URL || `http://127.0.0.1:${env.SANDBOX_PORT || 3100}`).replace(/\/$/, '') : undefined;

  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, async () => process.exit((await stopAll(signal))[children.length - 1] ?? 0));

  console.log(
    [
      '',
      `BFF:            ${origin}`,
      `Health:         ${origin}/healthz   ${origin}/readyz   ${origin}/metrics (bearer METRICS_TOKEN, printed below unless set)`,
      ...(sandboxMode ? [`WeChat sandbox: ${origin}/sandbox   (control: ${origin}/sandbox/_control/calls; the service itself: ${sandboxUrl}/sandbox)`] : []),
      `Redis:          ${redis.url}`,
      ...(adminGenerated ? [`Sandbox admin token (merchant API bearer): ${env.ADMIN_TOKEN}`] : []),
      '',
    ].join('\n'),
  );

  // 1. The sandbox, pushing to the BFF's callback with the BFF's token and key (WECHAT_TOKEN, WECHAT_AES_KEY).
  if (startSandbox) {
    const sandbox = start(path.join(root, 'sandbox', 'dist', 'main.js'), { ...env, SANDBOX_CALLBACK_URL: `${origin}/wechat/callback` });
    children.push(sandbox);
    await answers(`${sandboxUrl}/sandbox/_control/clock`, sandbox, 'The WeChat sandbox');
    sandbox.exited.then((code) => {
      if (!stopping) console.error(`The WeChat sandbox exited (code ${code}); the BFF's WeChat calls fail until it runs again (pnpm sandbox)`);
    });
  }

  // 2. The BFF.
  const bff = start(path.join(root, 'bff', 'dist', 'main.js'), sandboxMode ? { ...env, SANDBOX_URL: sandboxUrl } : env);
  children.push(bff);
  bff.exited.then(async (code) => {
    if (stopping) return;
    await stopAll();
    process.exit(code);
  });
  if (!sandboxMode) return;

  // 3. Demo data, made through the merchant API and the sandbox's user actions; the URLs to try it.
  try {
    await answers(`${origin}/readyz`, bff, 'The BFF');
    const { seedDemo } = require(path.join(root, 'sandbox', 'dist', 'demo-seed.js'));
    const { DEMO_WECHAT_ACCOUNT } = require(path.join(root, 'shared', 'dist', 'index.js'));
    const wxaAppid = env.WXA_APPID || DEMO_WECHAT_ACCOUNT.miniProgram.appid;
    const demo = await seedDemo({ origin, adminToken: env.ADMIN_TOKEN, wxaAppid });
    console.log(
      [
        `Demo data:      cards ${demo.cardIds.join(', ')} on shelf ${demo.pageId} (bound to ${wxaAppid}); order ${demo.order.order_id} by o_demo_buyer`,
        `Demo card jump: ${origin}${demo.cardJumpPath}`,
        `Demo shelf:     ${origin}/app/#/pages/shelf/index?demo_user=o_demo_mini`,
        '',
      ].join('\n'),
    );
  } catch (e) {
    if (!stopping) console.error(`demo data not seeded: ${e.message}`);
  }
})().catch(async (e) => {
  console.error(e.message);
  await stopAll();
  process.exit(1);
});
