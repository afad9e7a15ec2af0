import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the merchant's receiver got, with what the signature check of the contract says of it. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  raw: string;
  body: { id: string; entry_id: string; type: string; received_at: number; payload: Record<string, unknown> } & Record<string, unknown>;
  /** Giftcard-Signature = v1=hex HMAC-SHA256(secret, "<timestamp>.<raw body>"). */
  signed: boolean;
  /** What this receiver answered. */
  status: number;
  at: number;
}

/**
 * A real HTTP receiver of merchant webhooks, as a merchant's backend runs one: every request is
 * recorded and answered by `answer` (status code; `'hang'` never answers). It can be closed and
 * reopened on the same port to play a merchant that is down for a while.
 */
export async function startReceiver(secret: string, answer: (hook: ReceivedWebhook, attempt: number) => number | 'hang' = () => 200) {
  const received: ReceivedWebhook[] = [];
  const attempts = new Map<string, number>();
  const waiters = new Set<() => void>();
  let server: Server | undefined;
  let port = 0;
  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (raw += d));
    req.on('end', () => {
      const timestamp = String(req.headers['giftcard-timestamp'] ?? '');
      const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
      const hook = { headers: req.headers, raw, body: JSON.parse(raw), signed: req.headers['giftcard-signature'] === expected, status: 0, at: Date.now() } as ReceivedWebhook;
      const n = (attempts.get(hook.body.id) ?? 0) + 1;
      attempts.set(hook.body.id, n);
      const status = answer(hook, n);
      received.push(hook);
      if (status !== 'hang') {
        hook.status = status;
        res.statusCode = status;
        res.end(status < 300 ? 'ok' : 'no');
      }
      for (const w of [...waiters]) w();
    });
  };
  async function open() {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  }
  await open();
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** Event ids answered 2xx, each once. */
    delivered: () => [...new Set(received.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.body.id))],
    attemptsOf: (id: string) => attempts.get(id) ?? 0,
    /** Resolves once `done()` holds, re-checked on every request; rejects after `ms`. */
    async until(done: () => boolean, ms = 15_000, what = 'the receiver'): Promise<void> {
      if (done()) return;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what} (${received.length} requests)`));
        }, ms);
        function check() {
          if (!done()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        }
        waiters.add(check);
      });
    },
    /** Down: the port refuses connections until `open()`. */
    async close() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    open,
  };
}
export type TestReceiver = Awaited<ReturnType<typeof startReceiver>>;
