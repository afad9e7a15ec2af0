import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { signedPush } from '../../bff/test/support/push';
import { startWorkersStack, until, type WorkersStack } from '../support/workers-stack';

/**
 * WORKERS=2 as OS processes (node:cluster), not two app instances in one process: the token lock across
 * processes, a worker SIGKILLed mid-storm (its work taken over by the other) and SIGTERM mid-storm (a
 * drain: no push answered 200 and then lost, none in flight cut).
 */

/** One delivery of a push on a fresh connection, as WeChat makes it: its status, or how it failed. */
function deliver(url: string, body: string): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'text/xml', connection: 'close' }, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode! }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end(body);
  });
}

/**
 * A push on a raw connection, sent in two steps: connect (and, with 'half', the headers and half the
 * body) now, the rest on `finish()`, which answers the response's status (or how the connection failed).
 */
async function startSlowPush(stack: WorkersStack, fields: Record<string, string>, sentNow: 'half' | 'none') {
  const p = signedPush({ origin: stack.origin, token: stack.wechatToken }, fields);
  const url = new URL(p.url);
  const head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(p.body)}\r\nConnection: close\r\n\r\n`;
  const whole = Buffer.from(head + p.body);
  const cut = sentNow === 'half' ? head.length + Math.floor(p.body.length / 2) : 0;
  const socket = connect(Number(url.port), url.hostname);
  let answer = '';
  const ended = new Promise<string>((resolve) => {
    socket.on('data', (d) => (answer += d));
    socket.on('end', () => resolve(/^HTTP\/1\.1 (\d+)/.exec(answer)?.[1] ?? `no status: ${answer.slice(0, 40)}`));
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  if (cut > 0) socket.write(whole.subarray(0, cut));
  return {
    finish: () => {
      socket.write(whole.subarray(cut));
      return ended;
    },
  };
}

const textPush = (batch: string, i: number) => ({
  ToUserName: 'gh_storm',
  FromUserName: `o_storm_${i % 31}`,
  CreateTime: String(Math.floor(Date.now() / 1000)),
  MsgType: 'text',
  Content: `${batch} ${i}`,
  MsgId: String(8_000_000_000 + i),
});

async function eachLimited<T>(items: T[], limit: number, run: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      await run(items[i]!, i);
    }
  }));
}

/** The MsgIds in the events stream (each stored push's payload). */
async function storedMsgIds(stack: WorkersStack): Promise<string[]> {
  const entries = (await stack.redis.xrange(stack.keys.events, '-', '+')) as [string, string[]][];
  return entries.map(([, f]) => String((JSON.parse(f[f.indexOf('payload') + 1]!) as { MsgId?: unknown }).MsgId));
}

/**
 * The merchant's webhook receiver, holding every delivery until `release()`: while it is held, each
 * worker has its deliveries in flight. A delivery counts as answered only when its response was written
 * out in full; one whose connection was cut (its sender died) is `cut`.
 */
async function heldReceiver() {
  const answered = new Set<string>();
  let cut = 0;
  let open = 0;
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    open++;
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      void released.then(() => res.end('ok', () => answered.add((JSON.parse(body) as { id: string }).id)));
    });
    res.on('close', () => {
      open--;
      if (!res.writableFinished) cut++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    answered,
    cut: () => cut,
    open: () => open,
    release,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('WORKERS=2 as OS processes, one WeChat', () => {
  let stack: WorkersStack;
  let receiver: Awaited<ReturnType<typeof heldReceiver>>;

  beforeAll(async () => {
    receiver = await heldReceiver();
    stack = await startWorkersStack({
      workers: 2,
      env: {
        MERCHANT_WEBHOOK_URL: receiver.url,
        MERCHANT_WEBHOOK_SECRET: 'storm-secret-storm-secret-storm-secret',
        // Longer than the receiver holds deliveries before the kill (no delivery given up meanwhile); a
        // delivery or stream entry held this long + half belongs to a dead process and is taken over.
        MERCHANT_WEBHOOK_TIMEOUT_MS: '4000',
        MERCHANT_WEBHOOK_RETRY_MS: '200',
      },
    });
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('token lock: 200 concurrent WeChat calls over both processes with no token cause exactly 1 token fetch', async () => {
    const tokenFetches = () => {
      const calls = stack.world.calls.all();
      return (calls['auth.getToken'] ?? 0) + (calls['auth.getStableToken'] ?? 0);
    };
    expect(tokenFetches()).toBe(0);
    const statuses = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const res = await fetch(`${stack.origin}/admin/shelves`, { headers: { authorization: `Bearer ${stack.adminToken}`, connection: 'close' } });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(stack.world.calls.all()['giftcard.batchGetPages']).toBe(200);
    expect(tokenFetches()).toBe(1);
  }, 60_000);

  it('a worker SIGKILLed mid-storm: every push stored once after retries, and its unfinished deliveries delivered by the other', async () => {
    const before = await stack.redis.xlen(stack.keys.events);
    const pushes = Array.from({ length: 1000 }, (_, i) => textPush('crash', i));
    let acknowledged = 0;
    let killed: number | undefined;
    let cutByKill = 0;
    // More deliveries held open than one worker sends at once (32): both have some in flight.
    const killing = until(async () => receiver.open() >= 40, 'both workers busy delivering', 60_000).then(async () => {
      [killed] = [...(await stack.pidsAnswering(4))];
      process.kill(killed!, 'SIGKILL');
      await until(async () => receiver.cut() > 0, 'the dead worker\'s deliveries cut', 5000).catch(() => undefined);
      cutByKill = receiver.cut();
      receiver.release();
    });
    // WeChat: each push retried (signed afresh) until it is answered 200.
    await eachLimited(pushes, 32, async (fields) => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const p = signedPush({ origin: stack.origin, token: stack.wechatToken }, fields);
        const r = await deliver(p.url, p.body);
        if ('status' in r && r.status === 200) {
          acknowledged++;
          return;
        }
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error(`push ${fields.MsgId} never acknowledged`);
    });
    await killing;
    expect(killed).toBeDefined();
    expect((await stack.redis.xlen(stack.keys.events)) - before).toBe(1000);
    expect(new Set(await storedMsgIds(stack)).size).toBe((await stack.redis.xlen(stack.keys.events)));
    // The dead worker's deliveries were cut mid-way; the survivor claims them (and any stream entry it
    // had taken but not yet scheduled) once their lease runs out, and delivers every event.
    expect(acknowledged).toBe(1000);
    expect(cutByKill).toBeGreaterThan(0);
    await until(async () => receiver.answered.size >= 1000 + before, 'every event delivered', 60_000);
    // Nothing is left pending in the group: the dead consumer's entries were claimed and acknowledged.
    await until(async () => ((await stack.redis.xpending(stack.keys.events, 'webhooks')) as [number])[0] === 0, 'no pending entries', 30_000);
    // The dead worker was replaced.
    await until(async () => (await stack.pidsAnswering()).size === 2, 'a replacement worker');
  }, 150_000);

  it('SIGTERM mid-storm drains: pushes being sent are answered and stored, every push answered 200 is stored, the primary exits 0', async () => {
    const storm = Array.from({ length: 3000 }, (_, i) => textPush('drain', 100_000 + i));
    const acked: string[] = [];
    const failures = new Map<string, number>();
    const unanswered: string[] = [];
    // In flight when SIGTERM comes: 16 pushes half sent, and 16 connections accepted whose push is not sent yet.
    const slow = Array.from({ length: 32 }, (_, i) => textPush('drain-in-flight', 200_000 + i));
    let inFlight: Promise<{ id: string; status: string }[]> | undefined;
    await eachLimited(storm, 16, async (fields) => {
      if (acked.length >= 300 && !inFlight) {
        inFlight = (async () => {
          const started = await Promise.all(slow.map((f, i) => startSlowPush(stack, f, i % 2 === 0 ? 'half' : 'none')));
          await new Promise((r) => setTimeout(r, 300));
          stack.primary.kill('SIGTERM');
          await new Promise((r) => setTimeout(r, 300));
          return Promise.all(started.map(async (push, i) => ({ id: slow[i]!.MsgId, status: await push.finish() })));
        })();
      }
      const p = signedPush({ origin: stack.origin, token: stack.wechatToken }, fields);
      const r = await deliver(p.url, p.body);
      const outcome = 'status' in r ? String(r.status) : r.error;
      if (outcome === '200') acked.push(fields.MsgId);
      else {
        failures.set(outcome, (failures.get(outcome) ?? 0) + 1);
        unanswered.push(fields.MsgId);
      }
    });
    expect(inFlight).toBeDefined();
    const slowOutcomes = await inFlight!;
    expect(await stack.exited).toBe(0);
    expect(slowOutcomes.filter((o) => o.status !== '200')).toEqual([]);
    const stored = new Set(await storedMsgIds(stack));
    expect(slowOutcomes.filter((o) => !stored.has(o.id))).toEqual([]);
    // Every push answered 200 is stored. None went unanswered after a process read it: an unanswered one
    // is not stored (refused once the listener closed, or reset in the kernel's accept queue at that
    // instant, unread by any process; WeChat retries both).
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    expect(unanswered.filter((id) => stored.has(id))).toEqual([]);
    expect([...failures.keys()].filter((k) => k !== 'ECONNREFUSED' && k !== 'ECONNRESET')).toEqual([]);
    expect(acked.length).toBeGreaterThanOrEqual(300);
  }, 120_000);
});
