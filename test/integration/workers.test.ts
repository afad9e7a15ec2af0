import { loadConfig } from '../../bff/src/config';
import { startWorkersStack, until, type WorkersStack } from '../support/workers-stack';

/**
 * WORKERS=N: N BFF processes on one port (node:cluster), here against one WeChat (a sandbox started
 * alone, as every process would talk to WeChat): each answers /healthz with its pid, a crashed one is
 * replaced, SIGTERM stops them all. Storms across the processes: workers-storm.test.ts.
 */
const METRICS_TOKEN = 'workers-test-metrics-token-0123456789';

/** The `/healthz` requests counted in one scrape of /metrics (over a fresh connection: any worker may take it). */
async function healthzCounted(origin: string): Promise<number> {
  const res = await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}`, connection: 'close' }, signal: AbortSignal.timeout(5000) });
  expect(res.status).toBe(200);
  const lines = (await res.text()).split('\n').filter((l) => l.startsWith('http_requests_total{') && l.includes('route="/healthz"'));
  return lines.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('WORKERS=2', () => {
  let stack: WorkersStack;
  beforeAll(async () => {
    stack = await startWorkersStack({ workers: 2, env: { METRICS_TOKEN } });
  }, 90_000);
  afterAll(() => stack?.stop());

  it('two processes answer on one port, each saying its pid', async () => {
    const pids = await stack.pidsAnswering();
    expect(pids.size).toBe(2);
    expect(pids.has(stack.primary.pid!)).toBe(false);
  });

  it('/metrics counts what both workers served, whichever worker takes the scrape', async () => {
    const pids = await stack.pidsAnswering(24);
    expect(pids.size).toBe(2);
    // Eight scrapes over fresh connections land on both workers; each must see all the /healthz requests
    // (those of the stack's start and of the test before as well: at least these 24), and all the same.
    const counts: number[] = [];
    for (let i = 0; i < 8; i++) counts.push(await healthzCounted(stack.origin));
    expect(counts[0]).toBeGreaterThanOrEqual(24);
    expect(new Set(counts).size).toBe(1);
  });

  it('a worker killed (SIGKILL) is replaced', async () => {
    const [victim] = [...(await stack.pidsAnswering())];
    process.kill(victim!, 'SIGKILL');
    const after = await until(async () => {
      const pids = await stack.pidsAnswering();
      return pids.size === 2 && !pids.has(victim!) && pids;
    }, 'a replacement worker');
    expect(after.size).toBe(2);
  }, 60_000);

  it('SIGTERM stops every worker, then the primary', async () => {
    const workers = [...(await stack.pidsAnswering())];
    stack.primary.kill('SIGTERM');
    expect(await stack.exited).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  }, 30_000);
});

describe('WORKERS settings', () => {
  it('is a whole number from 1 to 64; more than 1 goes with SANDBOX=1 (the sandbox is a service of its own)', () => {
    expect(loadConfig({ SANDBOX: '1' }).workers).toBe(1);
    expect(() => loadConfig({ SANDBOX: '1', WORKERS: '0' })).toThrow(/WORKERS/);
    expect(() => loadConfig({ SANDBOX: '1', WORKERS: 'two' })).toThrow(/WORKERS/);
    expect(() => loadConfig({ SANDBOX: '1', WORKERS: '65' })).toThrow(/WORKERS/);
    const config = loadConfig({ SANDBOX: '1', WORKERS: '2' });
    expect(config.workers).toBe(2);
    expect(config.sandboxUrl).toBe('http://127.0.0.1:3100');
  });
});
