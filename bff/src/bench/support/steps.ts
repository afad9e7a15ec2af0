import { parse as parseQueryString } from 'node:querystring';
import { EventInbox, type InboundPush } from '../../callback/inbox';
import { toPushRecord } from '../../callback/push-record';
import type { RedisClient } from '../../redis/connect';
import type { RedisKeys } from '../../redis/keys';
import { CARD_ACK, openPush, sealReply, type MessageSecrets } from '@giftcard/shared/wechat/message';
import type { LoadRequest } from './load';
import { median } from './percentiles';

/**
 * CPU microseconds per push of the callback's own steps, run in this process with no server or socket:
 * verify and open (signature, in safe mode the envelope parse and decrypt, the XML read), the typed
 * record, the store (this side of it: the inbox's batch, its script call through ioredis and the
 * answer read back; Redis's own CPU is not counted) and in safe mode the encrypted ack. The BFF does
 * everything a bare Koa app does for a request (read the body, answer) plus at least these, so a
 * server-bound BFF can reach at most bare ÷ (bare + steps) of bare Koa's rate: `ratio_ceiling` in the
 * benchmark's line. The real figure lies below it (the app's middleware and metrics, and a loaded
 * process's colder caches come on top); the steps-only server, run in the same rounds, shows how far
 * below a server doing nothing but these steps stays.
 *
 * The store is a step: acknowledging only what is durably stored is the callback's job, and it costs
 * the client about as much CPU as every other step together. It is measured in batches of
 * STORE_BATCH pushes, about what the server's group commit forms under the benchmark's 64 connections
 * (26-28 pushes a batch on average, counted there; a smaller batch costs more per push, so this
 * errs towards a higher ceiling).
 */
export interface PushSteps {
  open: number;
  record: number;
  store: number;
  seal: number;
  total: number;
}

/** Where the store step writes: a Redis and keys of its own (not the servers' keys: their pushes would become duplicates). */
export interface StoreTarget {
  redis: RedisClient;
  keys: RedisKeys;
}

export const STORE_BATCH = 32;

const BATCHES = 5;
const PER_BATCH = 10_000;
/** Pushes per measured batch of the store step (each a round trip per STORE_BATCH). */
const STORE_PUSHES = 4096;

export async function measurePushSteps(requests: LoadRequest[], secrets: MessageSecrets, encrypted: boolean, target: StoreTarget): Promise<PushSteps> {
  const inputs = requests.map((r) => ({ query: parseQueryString(r.path.slice(r.path.indexOf('?') + 1)), body: r.body }));
  const opened = inputs.map((input) => {
    const result = openPush(input.query, input.body, secrets);
    if (!result.ok) throw new Error(`bench push does not open: ${result.reason}`);
    return result.fields;
  });
  const now = Math.floor(Date.now() / 1000);
  const open = await medianCpuUs(() => {
    for (let i = 0; i < PER_BATCH; i++) {
      const input = inputs[i % inputs.length]!;
      if (!openPush(input.query, input.body, secrets).ok) throw new Error('bench push stopped opening');
    }
  }, PER_BATCH);
  const record = await medianCpuUs(() => {
    for (let i = 0; i < PER_BATCH; i++) if (!toPushRecord(opened[i % opened.length]!).ok) throw new Error('bench push has no record');
  }, PER_BATCH);
  const store = await storeUs(opened, target);
  const seal = encrypted
    ? await medianCpuUs(() => {
        for (let i = 0; i < PER_BATCH; i++) sealReply(CARD_ACK, secrets, now);
      }, PER_BATCH)
    : 0;
  const round = (us: number) => Number(us.toFixed(1));
  return { open: round(open), record: round(record), store: round(store), seal: round(seal), total: round(open + record + store + seal) };
}

/** The store step: each push stored once (ids made unique per batch), STORE_BATCH at a time, median of BATCHES. */
async function storeUs(opened: Record<string, string>[], target: StoreTarget): Promise<number> {
  const pushes = opened.map((fields) => {
    const record = toPushRecord(fields);
    if (!record.ok) throw new Error('bench push has no record');
    return record.push;
  });
  const inbox = new EventInbox(target.redis, target.keys);
  let stored = 0;
  const batch = async () => {
    for (let i = 0; i < STORE_PUSHES; i += STORE_BATCH) {
      const group: Promise<unknown>[] = [];
      for (let j = 0; j < STORE_BATCH; j++, stored++) {
        const push = pushes[stored % pushes.length]!;
        group.push(inbox.store({ ...push, id: `${push.id}|${stored}` } satisfies InboundPush));
      }
      await Promise.all(group);
    }
  };
  try {
    return await medianCpuUs(batch, STORE_PUSHES);
  } finally {
    inbox.close();
  }
}

/** Median over BATCHES runs of `run`, its CPU time per push (`pushes` a run); one unmeasured run first (JIT). */
async function medianCpuUs(run: () => unknown, pushes: number): Promise<number> {
  await run();
  const perPush: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const before = process.cpuUsage();
    await run();
    const used = process.cpuUsage(before);
    perPush.push((used.user + used.system) / pushes);
  }
  return median(perPush);
}
