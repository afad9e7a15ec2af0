import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';
import { silentLogger } from '../../src/log';
import { Metrics } from '../../src/ops/metrics';
import { terminal } from '../till/support';
import { call, login, purchase, start, type Bff } from './support';

/**
 * The lists' per-process cache (api/list-cache.ts) against a change made through another BFF
 * process on the same Redis: the user's version, bumped by every projection write, is checked on
 * every request, so no process serves a list older than the last write.
 */
describe('cached lists across BFF processes', () => {
  let bff: Bff;
  let other: Server;
  let otherOrigin: string;
  beforeAll(async () => {
    bff = await start();
    // A second BFF process: its own app (its own caches and locks), the same Redis and WeChat.
    const app = createApp({ config: bff.config, redis: bff.db.redis, keys: bff.db.keys, wechat: bff.wechat, metrics: new Metrics(), logger: silentLogger });
    other = createServer(app.callback());
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => other.close(() => resolve()));
    await bff.close();
  });

  it('a debit through another process shows in this process’s next list', async () => {
    const bought = await purchase(bff, 'svc_cache_user');
    const token = await login(bff, 'mini_cache_user');
    expect((await call(bff, 'POST', '/api/cards/open', { token, body: { encrypt_code: bought.encryptCode, card_id: bought.cardId, openid: 'svc_cache_user' } })).status).toBe(200);
    const balance = async () => (await call(bff, 'GET', '/api/cards', { token })).body.cards.find((c: { code: string }) => c.code === bought.code).balance;
    const orderBalance = async () => (await call(bff, 'GET', '/api/orders', { token })).body.orders[0].cards[0].balance;
    expect([await balance(), await balance(), await orderBalance(), await orderBalance()]).toEqual([5000, 5000, 5000, 5000]);

    const till = await terminal(bff);
    const debit = await fetch(`${otherOrigin}/pos/redemptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${till.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: bought.code, amount: 700, idempotency_key: 'other-process' }),
    });
    expect(debit.status).toBe(201);
    expect([await balance(), await orderBalance()]).toEqual([4300, 4300]);
  });
});
