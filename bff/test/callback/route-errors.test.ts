import { createLogger } from '../../src/log';
import { startBff } from '../support/app';

/**
 * The callback is mounted ahead of the app's request id and error middleware (app.ts), so it is its own
 * error boundary. What it cannot foresee must still be answered the way WeChat retries, an empty 500,
 * logged with the request's id and counted as 500 in its latency histogram. The failure here is real:
 * the log sink refuses one write (stdout full, say) while the service writes its line about a refused push.
 */
describe('the callback route as its own error boundary', () => {
  const lines: Record<string, unknown>[] = [];
  let failNextWrite = false;
  const logger = createLogger('debug', (line) => {
    if (failNextWrite) {
      failNextWrite = false;
      throw new Error('log sink unavailable');
    }
    return lines.push(JSON.parse(line)) > 0;
  });
  let bff: Awaited<ReturnType<typeof startBff>>;
  beforeAll(async () => {
    bff = await startBff({ METRICS_TOKEN: 'metrics-token-for-the-test' }, { logger });
  });
  afterAll(() => bff.close());

  it('answers an empty 500 with its request id, logs the error on that id and observes 500', async () => {
    failNextWrite = true;
    const res = await fetch(`${bff.origin}/wechat/callback?timestamp=1&nonce=2&signature=forged`, { method: 'POST', body: '<xml/>', headers: { 'x-request-id': 'lb-7' } });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('');
    expect(res.headers.get('x-request-id')).toBe('lb-7');
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', msg: 'unhandled error', req_id: 'lb-7', error: 'log sink unavailable' }));
    const metrics = await (await fetch(`${bff.origin}/metrics`, { headers: { authorization: 'Bearer metrics-token-for-the-test' } })).text();
    expect(metrics).toMatch(/^wechat_callback_duration_seconds_count\{status="500"\} 1$/m);
  });

  it('with the sink back, the same push is refused as forged (401), as always', async () => {
    const res = await fetch(`${bff.origin}/wechat/callback?timestamp=1&nonce=2&signature=forged`, { method: 'POST', body: '<xml/>' });
    expect(res.status).toBe(401);
  });
});
