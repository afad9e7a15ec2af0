#!/usr/bin/env node
// A merchant backend reading the BFF's event stream through its own consumer group.
//
//   node examples/merchant-consumer/index.js
//
// Settings (environment): REDIS_URL (redis://127.0.0.1:6379/0), REDIS_PREFIX (gc:), GROUP (merchant),
// CONSUMER (host-pid; one name per running process), BLOCK_MS (5000), COUNT (10), CLAIM_IDLE_MS
// (60000), MAX_DELIVERIES (5), EXIT_WHEN_IDLE (1: exit once nothing is left to read; for demos and tests).
//
// Prints each event as one JSON line on stdout; what it does besides (claims, dead letters) goes to
// stderr. Put your own work in handleEvent: an event is acknowledged only once it returned.
'use strict';

const os = require('node:os');
const path = require('node:path');

// ioredis is a dependency of the BFF package: use that copy, so the example needs no install of its own.
const ioredis = require(require.resolve('ioredis', { paths: [path.join(__dirname, '..', '..', 'bff')] }));
const Redis = ioredis.default || ioredis;
// The event table's one reader of an event, from the built shared package (`pnpm build`): the same
// parseEvent the BFF's projector and webhook sender read stored events with.
const { parseEvent } = require(path.join(__dirname, '..', '..', 'shared', 'dist'));

const env = process.env;
const REDIS_URL = env.REDIS_URL || 'redis://127.0.0.1:6379/0';
const PREFIX = env.REDIS_PREFIX ?? 'gc:';
const STREAM = `${PREFIX}events`;
const DEAD = `${PREFIX}events:dead`;
const GROUP = env.GROUP || 'merchant';
const CONSUMER = env.CONSUMER || `${os.hostname()}-${process.pid}`;
const BLOCK_MS = Number(env.BLOCK_MS || 5000);
const COUNT = Number(env.COUNT || 10);
const CLAIM_IDLE_MS = Number(env.CLAIM_IDLE_MS || 60000);
const MAX_DELIVERIES = Number(env.MAX_DELIVERIES || 5);
const EXIT_WHEN_IDLE = env.EXIT_WHEN_IDLE === '1';

/**
 * The merchant's own work for one event. Delivery is at least once: the same event can come again
 * (a crash before XACK, a claim from a consumer that looked dead). Make it idempotent by `event.id`,
 * the push's de-duplication key, e.g. a unique column in your database. Throw to have it retried.
 * An event is a hint: before money or a user-visible change, re-read the order or card from WeChat
 * (order/get, code/get), as the BFF's projector does.
 */
async function handleEvent(event) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

const log = (msg, fields = {}) => process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), msg, group: GROUP, consumer: CONSUMER, ...fields })}\n`);

const redis = new Redis(REDIS_URL);
redis.on('error', (e) => log('redis error', { error: e.message }));

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    stopping = true;
    log('stopping after the current batch');
  });
}

function record(entryId, flat, deliveries) {
  const f = {};
  for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]] = flat[i + 1];
  // An event of the table in its one shape (numbers, booleans); any other push with its fields as stored.
  const read = parseEvent(f.payload);
  const payload = read.ok ? read.event : (read.fields ?? f.payload);
  return { entry_id: entryId, type: f.type, id: f.id, received_at: Number(f.received_at), deliveries, payload, fields: f };
}

async function ensureGroup() {
  try {
    // From 0: a new group sees every event the stream still holds. Use '$' for new events only.
    await redis.xgroup('CREATE', STREAM, GROUP, '0', 'MKSTREAM');
    log('consumer group created', { stream: STREAM });
  } catch (e) {
    if (!String(e.message).includes('BUSYGROUP')) throw e;
  }
}

/** Handles one entry; acknowledges it on success, dead-letters it after MAX_DELIVERIES failures. */
async function processEntry(ev) {
  const { fields, ...event } = ev;
  try {
    await handleEvent(event);
  } catch (e) {
    log('handler failed; left pending, retried after CLAIM_IDLE_MS', { entry_id: ev.entry_id, deliveries: ev.deliveries, error: e.message });
    if (ev.deliveries >= MAX_DELIVERIES) await deadLetter(ev, e.message);
    return;
  }
  await redis.xack(STREAM, GROUP, ev.entry_id);
}

/** Same layout as the BFF's dead letters: the original fields + group, consumer, deliveries, error, dead_at, entry_id. */
async function deadLetter(ev, error) {
  const extra = { group: GROUP, consumer: CONSUMER, deliveries: String(ev.deliveries), error, dead_at: String(Date.now()), entry_id: ev.entry_id };
  await redis
    .multi()
    .xadd(DEAD, 'MAXLEN', '~', 10000, '*', ...Object.entries({ ...ev.fields, ...extra }).flat())
    .xack(STREAM, GROUP, ev.entry_id)
    .exec();
  log('moved to the dead-letter stream', { entry_id: ev.entry_id, dead: DEAD, deliveries: ev.deliveries });
}

/**
 * XAUTOCLAIM: takes over entries pending longer than CLAIM_IDLE_MS, whichever consumer of the group
 * they were delivered to (one that crashed, or this one after a failure), and retries them.
 */
async function claimPending() {
  let cursor = '0-0';
  do {
    const reply = await redis.xautoclaim(STREAM, GROUP, CONSUMER, CLAIM_IDLE_MS, cursor, 'COUNT', COUNT);
    cursor = reply[0];
    for (const [entryId, flat] of reply[1]) {
      if (!flat) {
        await redis.xack(STREAM, GROUP, entryId); // deleted from the stream meanwhile (Redis 6.2)
        continue;
      }
      // The delivery count, XAUTOCLAIM's own included, is in the pending entries list.
      const [pending] = await redis.xpending(STREAM, GROUP, entryId, entryId, 1);
      const deliveries = pending ? Number(pending[3]) : MAX_DELIVERIES + 1;
      log('claimed a pending entry', { entry_id: entryId, deliveries });
      const ev = record(entryId, flat, deliveries);
      if (deliveries > MAX_DELIVERIES) await deadLetter(ev, `delivered ${deliveries} times without being acknowledged`);
      else await processEntry(ev);
    }
  } while (cursor !== '0-0' && !stopping);
}

async function main() {
  await ensureGroup();
  let nextClaim = 0;
  while (!stopping) {
    try {
      if (Date.now() >= nextClaim) {
        await claimPending();
        nextClaim = Date.now() + Math.max(1000, CLAIM_IDLE_MS / 2);
      }
      const reply = await redis.xreadgroup('GROUP', GROUP, CONSUMER, 'COUNT', COUNT, 'BLOCK', EXIT_WHEN_IDLE ? 1 : BLOCK_MS, 'STREAMS', STREAM, '>');
      const items = reply ? reply.flatMap(([, entries]) => entries) : [];
      for (const [entryId, flat] of items) await processEntry(record(entryId, flat, 1));
      if (!items.length && EXIT_WHEN_IDLE) break;
    } catch (e) {
      if (String(e.message).includes('NOGROUP')) await ensureGroup().catch(() => undefined);
      log('error; retrying in 1 s', { error: e.message });
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  await redis.quit();
}

main().catch((e) => {
  log('fatal', { error: e.message });
  process.exit(1);
});
