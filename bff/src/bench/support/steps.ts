import { parse as parseQueryString } from 'node:querystring';
import { toPushRecord } from '../../callback/push-record';
import { CARD_ACK, openPush, sealReply, type MessageSecrets } from '@giftcard/shared/wechat/message';
import type { LoadRequest } from './load';

/**
 * CPU microseconds per push of the callback's pure steps, run in this process with no server, socket
 * or Redis: verify and open (signature, in safe mode the envelope parse and decrypt, the safe XML parse),
 * the typed record, and in safe mode the encrypted ack. The BFF does everything a bare Koa app does for
 * a request (read the body, answer) plus at least these, so a server-bound BFF can reach at most
 * bare ÷ (bare + steps) of bare Koa's rate: `ratio_ceiling` in the benchmark's line. The real figure
 * lies below it (the Redis store, the middleware, and a loaded process's colder caches come on top).
 */
export interface PushSteps {
  open: number;
  record: number;
  seal: number;
  total: number;
}

const BATCHES = 5;
const PER_BATCH = 10_000;

export function measurePushSteps(requests: LoadRequest[], secrets: MessageSecrets, encrypted: boolean): PushSteps {
  const inputs = requests.map((r) => ({ query: parseQueryString(r.path.slice(r.path.indexOf('?') + 1)), body: r.body }));
  const opened = inputs.map((input) => {
    const result = openPush(input.query, input.body, secrets);
    if (!result.ok) throw new Error(`bench push does not open: ${result.reason}`);
    return result.fields;
  });
  const now = Math.floor(Date.now() / 1000);
  const open = medianUs(() => {
    for (let i = 0; i < PER_BATCH; i++) {
      const input = inputs[i % inputs.length]!;
      if (!openPush(input.query, input.body, secrets).ok) throw new Error('bench push stopped opening');
    }
  });
  const record = medianUs(() => {
    for (let i = 0; i < PER_BATCH; i++) if (!toPushRecord(opened[i % opened.length]!).ok) throw new Error('bench push has no record');
  });
  const seal = encrypted
    ? medianUs(() => {
        for (let i = 0; i < PER_BATCH; i++) sealReply(CARD_ACK, secrets, now);
      })
    : 0;
  const round = (us: number) => Number(us.toFixed(1));
  return { open: round(open), record: round(record), seal: round(seal), total: round(open + record + seal) };
}

/** Median over BATCHES of one batch's CPU time, per push; one unmeasured batch first (JIT). */
function medianUs(batch: () => void): number {
  batch();
  const perPush: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const before = process.cpuUsage();
    batch();
    const used = process.cpuUsage(before);
    perPush.push((used.user + used.system) / PER_BATCH);
  }
  return perPush.sort((a, b) => a - b)[Math.floor(BATCHES / 2)]!;
}
