import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventInbox } from '../callback/inbox';
import { silentLogger } from '../log';
import { Metrics } from '../ops/metrics';
import { connectRedis, redisReady } from '../redis/connect';
import { deleteByPrefix } from '../redis/delete-by-prefix';
import { redisKeys } from '../redis/keys';
import { WebhookSender } from '../webhooks/sender';
import { signWebhook } from '../webhooks/signature';
import { percentile } from './support/percentiles';
import { deleteKeysWhenStopped } from './support/stop';

/**
 * Merchant webhooks end to end: `BENCH_WEBHOOKS` (5,000) events stored by the callback's inbox as fast as
 * it takes them, delivered by the webhook sender (the `webhooks` group, the Redis schedule, signed
 * POSTs on keep-alive connections) to a local receiver that checks each signature and answers 204.
 * One JSON line: events delivered per second (first store to last 2xx), p50/p99 from storing an
 * event (its `received_at`) to the receiver's 2xx for that burst (queueing included), and `paced`: the
 * same latency with events stored one by one at `BENCH_WEBHOOKS_RATE` (200) a second, what an event
 * waits when the sender keeps up; attempts per event (1 when nothing failed).
 * Inbox, sender and receiver share this one process, as the BFF's callback and sender share one.
 */
const SECRET = 'bench-webhook-secret-'.padEnd(40, 'b');

async function main() {
  const n = Number(process.env.BENCH_WEBHOOKS ?? 5000);
  const warmup = Math.min(500, Math.ceil(n / 10));
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  const prefix = `gc:bench:${randomBytes(4).toString('hex')}:`;
  const redis = connectRedis(redisUrl);
  await redisReady(redis);
  const keys = redisKeys(prefix);
  let sender: WebhookSender | undefined;
  deleteKeysWhenStopped(redis, prefix, () => sender?.stop() ?? Promise.resolve());

  // The receiver: verifies, records when it answered each event, answers 204.
  const latencies: number[] = [];
  const paced: number[] = [];
  const seen = new Set<string>();
  let badSignatures = 0;
  let lastAckAt = 0;
  let onAck: (() => void) | undefined;
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (req.headers['giftcard-signature'] !== signWebhook(SECRET, Number(req.headers['giftcard-timestamp']), raw)) badSignatures++;
      const event = JSON.parse(raw) as { id: string; received_at: number };
      res.statusCode = 204;
      res.end();
      lastAckAt = Date.now();
      if (!seen.has(event.id)) {
        seen.add(event.id);
        if (event.id.startsWith('m|')) latencies.push(lastAckAt - event.received_at);
        if (event.id.startsWith('p|')) paced.push(lastAckAt - event.received_at);
      }
      onAck?.();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

  const metrics = new Metrics();
  sender = new WebhookSender({ redis, keys, logger: silentLogger, metrics, config: { url, secret: SECRET, retryMs: 1000, giveUpS: 86400, timeoutMs: 10_000 } });
  await sender.start();
  const inbox = new EventInbox(redis, keys);
  const push = (tag: string, i: number) => ({
    type: 'giftcard_pay_done',
    id: `${tag}|o_bench_${i % 500}|1700000000|giftcard_pay_done|bench-${i}`,
    payload: { ToUserName: 'gh_bench', FromUserName: `o_bench_${i % 500}`, CreateTime: 1700000000, MsgType: 'event', Event: 'giftcard_pay_done', PageId: 'bench-page', OrderId: `bench-${i}` },
  });
  const allSeen = (count: number) =>
    new Promise<void>((resolve) => {
      onAck = () => seen.size >= count && resolve();
      onAck();
    });
  // Stored as the callback stores them: many at once, group-committed by the inbox.
  const store = async (tag: string, count: number) => {
    for (let i = 0; i < count; i += 256) await Promise.all(Array.from({ length: Math.min(256, count - i) }, (_, j) => inbox.store(push(tag, i + j))));
  };

  try {
    await store('w', warmup); // unmeasured: connections, JIT
    await allSeen(warmup);
    const started = Date.now();
    await store('m', n);
    await allSeen(warmup + n);
    const seconds = (lastAckAt - started) / 1000;
    const rate = Number(process.env.BENCH_WEBHOOKS_RATE ?? 200);
    const pacedCount = Math.max(50, Math.ceil(n / 10));
    for (let i = 0; i < pacedCount; i++) {
      await inbox.store(push('p', i));
      await new Promise((r) => setTimeout(r, 1000 / rate));
    }
    await allSeen(warmup + n + pacedCount);
    const pacedSorted = Float64Array.from(paced).sort();
    const sorted = Float64Array.from(latencies).sort();
    const attempts = /merchant_webhook_attempts_total\{outcome="delivered"\} (\d+)/.exec(await metrics.render());
    const line = {
      bench: 'webhooks',
      events: n,
      concurrency: 32,
      events_per_s: Math.round(n / seconds),
      p50_ms: percentile(sorted, 50),
      p99_ms: percentile(sorted, 99),
      paced: { events: pacedCount, per_s: rate, p50_ms: percentile(pacedSorted, 50), p99_ms: percentile(pacedSorted, 99) },
      attempts_per_event: Number((Number(attempts?.[1] ?? 0) / (warmup + n + pacedCount)).toFixed(2)),
      bad_signatures: badSignatures,
      all_delivered: latencies.length === n,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } finally {
    await sender.stop();
    receiver.closeAllConnections();
    receiver.close();
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  }
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
