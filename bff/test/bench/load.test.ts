import { createServer, type Server, type Socket } from 'node:net';
import { driveLoad, serialiseRequests } from '../../src/bench/support/load';

/**
 * The benchmark's load generator reads HTTP responses itself, so its framing is tested here against a
 * raw TCP server that answers in the awkward ways TCP allows: a response cut into single bytes, a head
 * and body in separate writes, several responses in one write.
 */
type Answer = (socket: Socket, requestIndex: number) => void;

const ok = (body: string) => `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

interface TestServer {
  port: number;
  received: () => number;
  /** Closes the server and every connection it still has (a hung driver must not hang the test run). */
  close: () => Promise<void>;
}

async function serve(answer: Answer): Promise<TestServer> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      // One request is a head whose Content-Length says how much body follows.
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        pending = pending.slice(end + 4 + length);
        answer(socket, count++);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    received: () => count,
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const requests = (n: number) => serialiseRequests('127.0.0.1', Array.from({ length: n }, (_, i) => ({ path: `/p?i=${i}`, body: `<xml>${i}</xml>` })));

describe('bench load generator', () => {
  let server: TestServer | undefined;
  afterEach(() => server?.close());

  it('reads responses cut into single bytes, and counts each request once', async () => {
    const s = await serve((socket) => {
      const bytes = Buffer.from(ok('success'));
      bytes.forEach((_, i) => setTimeout(() => socket.write(bytes.subarray(i, i + 1)), 0));
    });
    server = s;
    const result = await driveLoad(s.port, requests(40), 4);
    expect(result).toMatchObject({ failures: 0 });
    expect(result.rps).toBeGreaterThan(0);
    expect(result.p99).toBeGreaterThanOrEqual(result.p50);
    expect(s.received()).toBe(40);
  });

  it('counts every status but 200 as a failure, an empty 503 included', async () => {
    const s = await serve((socket, i) => {
      // Head and body in separate writes for the 200s.
      if (i % 3 === 0) return void socket.write('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
      const [head, body] = ok('<xml>ok</xml>').split('\r\n\r\n');
      socket.write(`${head}\r\n\r\n`);
      setTimeout(() => socket.write(body!), 1);
    });
    server = s;
    const result = await driveLoad(s.port, requests(30), 3);
    expect(result.failures).toBe(10);
    expect(s.received()).toBe(30);
  });

  it('sends GETs without a body and with their headers, and counts statuses against the given success', async () => {
    const heads: string[] = [];
    const s = await serve((socket, i) => socket.write(i % 2 ? 'HTTP/1.1 409 Conflict\r\nContent-Length: 0\r\n\r\n' : 'HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}'));
    server = s;
    const gets = serialiseRequests('127.0.0.1', [{ method: 'GET', path: '/api/cards', body: 'ignored', headers: { authorization: 'Bearer t' } }]);
    heads.push(gets[0]!.toString('latin1'));
    expect(heads[0]).toBe('GET /api/cards HTTP/1.1\r\nHost: 127.0.0.1\r\nauthorization: Bearer t\r\nConnection: keep-alive\r\n\r\n');
    const result = await driveLoad(s.port, [...gets, ...gets, ...gets, ...gets], 2, { ok: (status) => status === 201 });
    expect(result).toMatchObject({ failures: 2, statuses: { 201: 2, 409: 2 } });
  });

  it('fails, rather than guesses, on a response without Content-Length', async () => {
    const s = await serve((socket) => socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nsuccess\r\n0\r\n\r\n'));
    server = s;
    await expect(driveLoad(s.port, requests(5), 2)).rejects.toThrow(/without Content-Length/);
  });

  it('fails when the server closes a connection before replying', async () => {
    const s = await serve((socket, i) => (i === 2 ? socket.destroy() : socket.write(ok('success'))));
    server = s;
    await expect(driveLoad(s.port, requests(10), 1)).rejects.toThrow(/closed a connection before replying/);
  });
});
