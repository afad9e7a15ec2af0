import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { CallbackService } from '../../src/callback/callback-service';
import { callbackRoute } from '../../src/callback/route';
import { createLogger } from '../../src/log';

/**
 * The callback is mounted ahead of the app's request id and error middleware (app.ts), so it is its own
 * error boundary. A defect inside the service (here a service whose handle rejects, as a bug would make
 * it) must still be answered the way WeChat retries, an empty 500, logged with the request's id and
 * counted as 500 in the callback's latency histogram.
 */
class DefectiveService extends CallbackService {
  override handle(): never {
    throw new Error('a defect');
  }
}

describe('the callback route as its own error boundary', () => {
  const lines: Record<string, unknown>[] = [];
  const observed: number[] = [];
  let server: ReturnType<Koa['listen']>;
  let origin: string;
  beforeAll(async () => {
    const logger = createLogger('debug', (line) => lines.push(JSON.parse(line)) > 0);
    const service = new DefectiveService({ secrets: { token: 't' }, logger } as ConstructorParameters<typeof CallbackService>[0]);
    const app = new Koa();
    app.use(callbackRoute(service, 't', logger, (status) => observed.push(status)));
    app.use((ctx) => {
      ctx.body = 'next';
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers an empty 500 with its request id, logs the error on that id and observes 500', async () => {
    const res = await fetch(`${origin}/wechat/callback?timestamp=1&nonce=2&signature=x`, { method: 'POST', body: '<xml/>', headers: { 'x-request-id': 'lb-7' } });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('');
    expect(res.headers.get('x-request-id')).toBe('lb-7');
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', msg: 'unhandled error', req_id: 'lb-7', error: 'a defect' }));
    expect(observed).toEqual([500]);
  });

  it('leaves every other path to the middleware after it', async () => {
    const res = await fetch(`${origin}/healthz`);
    expect(await res.text()).toBe('next');
  });
});
