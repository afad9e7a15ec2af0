import cluster from 'node:cluster';
import Koa from 'koa';
import getRawBody from 'raw-body';
import { parse as parseQueryString } from 'node:querystring';
import { createApp } from '../../app';
import { EventInbox } from '../../callback/inbox';
import { toPushRecord } from '../../callback/push-record';
import { MAX_PUSH_BYTES } from '../../callback/route';
import { loadConfig } from '../../config';
import { silentLogger } from '../../log';
import { Metrics } from '../../ops/metrics';
import { connectRedis, redisReady } from '../../redis/connect';
import { redisKeys } from '../../redis/keys';
import { createWechat } from '../../wechat';
import { CARD_ACK, PLAIN_ACK, openPush, parseEncodingAesKey, sealReply, type MessageSecrets } from '@giftcard/shared/wechat/message';

/** node-webot's co-wechat 2.x (Koa 2+, async middleware); it ships no types. */
type CoWechat = (config: { token: string; appid: string; encodingAESKey?: string }) => {
  middleware(handle: (message: Record<string, unknown>, ctx: Koa.Context) => Promise<unknown>): Koa.Middleware;
};

/**
 * The server side of the callback benchmark, in a process of its own so the load generator does not
 * share its event loop. `bare`: Koa reading the body and answering `success` (the yardstick);
 * `co-wechat`: the peer a Node user would otherwise pick, node-webot's co-wechat on a bare Koa: it
 * verifies the signature, parses the XML (and in safe mode checks msg_signature and decrypts), stores
 * nothing and answers a text reply `ok` (in safe mode encrypted and signed, like our `<xml>ok</xml>`);
 * `steps-plain`/`steps-aes`: bare Koa doing the callback's pure steps (support/steps.ts) and nothing
 * else: no request id, deadline, metrics or logger, no error boundary, no other routes: the least a
 * server can be that verifies, stores once and acknowledges, the ceiling realised;
 * `plain`/`aes`: the real BFF. Prints `{"port":N}` once listening.
 */
async function main() {
  const mode = process.argv[2] ?? 'bare';
  let app: Koa;
  if (mode === 'bare') {
    app = new Koa();
    app.use(async (ctx) => {
      await getRawBody(ctx.req, { limit: MAX_PUSH_BYTES });
      ctx.body = 'success';
    });
  } else if (mode === 'co-wechat') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wechat = require('co-wechat') as CoWechat;
    app = new Koa();
    const config = { token: process.env.WECHAT_TOKEN!, appid: process.env.WECHAT_APPID!, encodingAESKey: process.env.BENCH_AES_KEY };
    // What a co-wechat user answers a gift card push: anything but an empty body (WeChat retries an
    // empty answer up to 30 times, CONTRACT.md), and co-wechat writes any answer as a text message,
    // sealed in safe mode as ours is. BENCH_CO_WECHAT_REPLY=empty: its cheapest answer, an empty body.
    const reply = process.env.BENCH_CO_WECHAT_REPLY === 'empty' ? '' : 'ok';
    app.use(wechat(config).middleware(async () => reply));
  } else if (mode === 'steps-plain' || mode === 'steps-aes') {
    app = await stepsOnly(mode === 'steps-aes');
  } else {
    const config = loadConfig({
      // The pushes are signed once, before the runs: a window of an hour outlasts them.
      PUSH_MAX_AGE_S: '3600',
      ...process.env,
      SANDBOX: '1',
      WECHAT_AES_KEY: mode === 'aes' ? process.env.BENCH_AES_KEY : undefined,
    });
    const redis = connectRedis(config.redisUrl);
    await redisReady(redis);
    const keys = redisKeys(config.redisPrefix);
    const wechat = createWechat({ baseUrl: config.wechatApiBase, appid: config.wechatAppid, secret: config.wechatAppsecret, redis, keys });
    app = createApp({ config, redis, keys, wechat, metrics: new Metrics(), logger: silentLogger });
  }
  // In a worker of BENCH_SERVER_WORKERS (see below) on the port its primary was given; else any free one.
  const server = app.listen(cluster.isWorker ? Number(process.env.PORT) : 0, '127.0.0.1', () => {
    if (cluster.isWorker) return;
    process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
  });
  server.keepAliveTimeout = 60_000;
  // A clean exit on a signal, so `node --cpu-prof` writes its profile.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
}

/** The `steps-*` server: the callback's steps, as support/steps.ts measures them, behind bare Koa. */
async function stepsOnly(encrypted: boolean): Promise<Koa> {
  const redis = connectRedis(process.env.REDIS_URL!);
  await redisReady(redis);
  const inbox = new EventInbox(redis, redisKeys(process.env.REDIS_PREFIX!));
  const token = process.env.WECHAT_TOKEN!;
  const secrets: MessageSecrets = encrypted ? { token, aes: { key: parseEncodingAesKey(process.env.BENCH_AES_KEY!), appid: process.env.WECHAT_APPID! } } : { token };
  const maxAgeS = 3600;
  const app = new Koa();
  app.use(async (ctx) => {
    const body = (await getRawBody(ctx.req, { limit: MAX_PUSH_BYTES })).toString('utf8');
    // The query off the request line, as the BFF's route reads it: Koa's ctx.querystring parses the whole URL.
    const url = ctx.req.url!;
    const query = parseQueryString(url.slice(url.indexOf('?') + 1));
    const opened = openPush(query, body, secrets, { now: Math.floor(Date.now() / 1000), maxAgeS });
    const record = opened.ok ? toPushRecord(opened.fields) : undefined;
    if (!opened.ok || !record?.ok) {
      ctx.status = 400;
      ctx.body = '';
      return;
    }
    await inbox.store(record.push);
    const reply = record.family === 'card' ? CARD_ACK : PLAIN_ACK;
    ctx.body = opened.encrypted ? sealReply(reply, secrets, Math.floor(Date.now() / 1000), opened.key) : reply;
  });
  return app;
}

/**
 * BENCH_SERVER_WORKERS=N (> 1; with PORT): N processes of the mode on PORT through node:cluster, as
 * WORKERS runs the BFF's (the scaling benchmark's yardstick). The primary announces the port once every
 * worker listens, and stops them on SIGTERM.
 */
function primary(workers: number): void {
  const port = Number(process.env.PORT);
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === workers) process.stdout.write(`${JSON.stringify({ port })}\n`);
  });
  for (let i = 0; i < workers; i++) cluster.fork();
  process.once('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    process.exit(0);
  });
}

const workers = Number(process.env.BENCH_SERVER_WORKERS ?? 1);
if (cluster.isPrimary && workers > 1) primary(workers);
else
  main().catch((e: Error) => {
    process.stderr.write(`${e.stack}\n`);
    process.exit(1);
  });
