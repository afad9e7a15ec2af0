import { connect, type Socket } from 'node:net';
import { percentile } from './percentiles';

/**
 * A closed-loop HTTP/1.1 load generator on raw keep-alive sockets, in the manner of wrk and autocannon:
 * each request is serialised once, up front, and a response is read only as far as its status and
 * length. On a 2-core machine the load generator shares the cores with the server it measures; Node's
 * `http.request` spent ~140 µs of CPU per request here (more than the bare Koa server it was
 * measuring), which took a core's worth of time away from the server under test.
 */

export interface LoadRequest {
  path: string;
  /** A POST's body (a WeChat push unless `contentType` says otherwise); a GET has none. */
  body: string;
  /** POST unless said. */
  method?: 'GET' | 'POST';
  /** Of a POST's body; text/xml unless said. */
  contentType?: string;
  /** e.g. `{ authorization: 'Bearer …' }`: a till's terminal key, a Mini Program session. */
  headers?: Record<string, string>;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  /** Responses whose status was not a success (`ok`: 200 unless said). */
  failures: number;
  /** How many responses had each status. */
  statuses: Record<number, number>;
}

export interface LoadOptions {
  /** Which statuses are a success; the others count as failures. Only 200 unless said. */
  ok?: (status: number) => boolean;
}

/** Serialises the requests once; the same `Buffer`s can be sent to several servers. */
export function serialiseRequests(host: string, requests: LoadRequest[]): Buffer[] {
  return requests.map(({ path, body, method = 'POST', contentType = 'text/xml', headers = {} }) => {
    const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    const entity = method === 'GET' ? '' : `Content-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
    return Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n${extra}${entity}Connection: keep-alive\r\n\r\n${method === 'GET' ? '' : body}`);
  });
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;

/**
 * Reads responses off one socket: calls `onResponse(status)` once per complete response. Only what
 * our servers send is understood (a `Content-Length`, or no body); anything else is an error, so a
 * change on the server side fails the benchmark instead of skewing it.
 */
function responseReader(onResponse: (status: number) => void, onError: (e: Error) => void) {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    for (;;) {
      const headerEnd = pending.indexOf(HEADER_END);
      if (headerEnd < 0) return;
      const head = pending.toString('latin1', 0, headerEnd);
      const status = Number(head.slice(9, 12));
      const length = CONTENT_LENGTH.exec(head);
      if (!length && status !== 204 && status !== 304) return onError(new Error(`a response without Content-Length: ${head}`));
      const total = headerEnd + HEADER_END.length + (length ? Number(length[1]) : 0);
      if (pending.length < total) return;
      pending = pending.subarray(total);
      onResponse(status);
    }
  };
}

/** Sends every request once over `connections` keep-alive sockets, each waiting for its reply. */
export async function driveLoad(port: number, requests: Buffer[], connections: number, opts: LoadOptions = {}): Promise<LoadResult> {
  const ok = opts.ok ?? ((status: number) => status === 200);
  const latencies = new Float64Array(requests.length);
  const statuses: Record<number, number> = {};
  let next = 0;
  let done = 0;
  let failures = 0;
  const started = performance.now();
  const sockets: Socket[] = [];
  await new Promise<void>((resolve, reject) => {
    if (requests.length === 0) return resolve();
    const fail = (e: Error) => {
      sockets.forEach((s) => s.destroy());
      reject(e);
    };
    const open = () => {
      const socket = connect({ port, host: '127.0.0.1', noDelay: true });
      sockets.push(socket);
      let index = -1;
      let sentAt = 0;
      let awaiting = false;
      const send = () => {
        if (next >= requests.length) return void socket.end();
        index = next++;
        sentAt = performance.now();
        awaiting = true;
        socket.write(requests[index]!);
      };
      socket.on(
        'data',
        responseReader((status) => {
          awaiting = false;
          latencies[index] = performance.now() - sentAt;
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (!ok(status)) failures++;
          if (++done === requests.length) return resolve();
          send();
        }, fail),
      );
      socket.on('error', fail);
      socket.on('close', () => {
        if (awaiting) fail(new Error('the server closed a connection before replying'));
      });
      socket.once('connect', send);
    };
    for (let i = 0; i < Math.min(connections, requests.length); i++) open();
  });
  const seconds = (performance.now() - started) / 1000;
  sockets.forEach((s) => s.destroy());
  latencies.sort();
  return { rps: Math.round(requests.length / seconds), p50: percentile(latencies, 50), p99: percentile(latencies, 99), failures, statuses };
}
