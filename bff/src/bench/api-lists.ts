import type { GiftCardOrder } from '@giftcard/shared';
import { silentLogger } from '../log';
import { ProjectionWriter } from '../projector';
import { countFromEnv, eachLimited, measuredLoad, startBenchBff, type BenchBff } from './support/bff';
import { driveLoad, serialiseRequests } from './support/load';

/**
 * The consumer's lists, `GET /api/cards` and `GET /api/orders`, at 64 connections, one user each
 * (request i from user i mod 64), each user with 20 orders of one card. Users are made as in life:
 * they buy through the sandbox's shelf, log in (`/api/session`) and are linked to their Service
 * Account openid by a card jump (`/api/cards/open`); their projections are filled by the BFF's own
 * refresh (ProjectionWriter.refreshOrder, what the projector runs per event). The BFF runs with the
 * sandbox mounted in a server process of its own (support/bff-server.ts); WeChat calls are the
 * sandbox's counts over the measured window, divided by its requests.
 *
 * Measured once warm (`API_LISTS_WARMUP` unmeasured requests first, default 2000) with the BFF's
 * settings (PROJECTION_MAX_AGE_S as given, else its default): `API_LISTS_REQUESTS` per list (default
 * 8000), against the hot-path target. Then `all_stale`: the same users through a second app of the
 * same process with PROJECTION_MAX_AGE_S=0, where every projection is older than the age, so each
 * list request re-reads what the store allows per request: the most a request can cost
 * (`API_LISTS_STALE_REQUESTS`, default 1000). `API_LISTS_USERS` and `API_LISTS_ORDERS` (64, 20)
 * shrink the set-up for smoke runs. Prints one JSON line.
 */
const TARGET = { p99_ms: 20, wechat_calls_per_request: 0.1 };
const LISTS = { cards: '/api/cards', orders: '/api/orders' } as const;

interface User {
  token: string;
  /** Each list's answer for this user, in bytes (what a request serialises and sends). */
  bytes: Record<keyof typeof LISTS, number>;
}

async function main() {
  const users = countFromEnv('API_LISTS_USERS', 64);
  const ordersPerUser = countFromEnv('API_LISTS_ORDERS', 20);
  const requests = countFromEnv('API_LISTS_REQUESTS', 8000);
  const warmup = countFromEnv('API_LISTS_WARMUP', 2000);
  const staleRequests = countFromEnv('API_LISTS_STALE_REQUESTS', 1000);
  const bff = await startBenchBff({ BENCH_SECOND_MAX_AGE_S: '0' });
  try {
    const setupStarted = Date.now();
    const people = await setUpUsers(bff, users, ordersPerUser);
    const setupS = (Date.now() - setupStarted) / 1000;
    const connections = users;
    const work = (list: keyof typeof LISTS, n: number) =>
      serialiseRequests(
        '127.0.0.1',
        Array.from({ length: n }, (_, i) => ({ method: 'GET' as const, path: LISTS[list], body: '', headers: { authorization: `Bearer ${people[i % users]!.token}` } })),
      );

    /** Both lists on one port: each warmed up, then measured. */
    const measureLists = async (port: number, n: number, warm: number) => {
      const out: Record<string, Awaited<ReturnType<typeof measure>> & { response_bytes: number }> = {};
      for (const list of Object.keys(LISTS) as (keyof typeof LISTS)[]) {
        if (warm > 0) await driveLoad(port, work(list, warm), connections);
        out[list] = { ...(await measure(bff, port, work(list, n), connections, setupStarted)), response_bytes: people[0]!.bytes[list] };
      }
      return out as Record<keyof typeof LISTS, (typeof out)[string]>;
    };

    const warm = await measureLists(bff.server.port, requests, warmup);
    const met = {
      p99: Object.values(warm).every((r) => r.p99_ms <= TARGET.p99_ms),
      wechat_calls: Object.values(warm).every((r) => r.wechat_calls_per_request <= TARGET.wechat_calls_per_request),
    };
    const stale = await measureLists(Number(bff.server.announced.second_port), staleRequests, 0);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'api_lists',
        name: 'api_lists',
        sandbox: 'a service of its own on its own port inside the BFF server process (SANDBOX_URL; the BFF proxies /sandbox to it), so that process\'s CPU is the BFF\'s and the sandbox\'s together; load generator in the bench process',
        users,
        orders_per_user: ordersPerUser,
        connections,
        setup_s: Number(setupS.toFixed(1)),
        projection_max_age_s: Number(bff.server.announced.projection_max_age_s),
        ...warm,
        target: TARGET,
        target_met: { ...met, all: met.p99 && met.wechat_calls },
        all_stale: { projection_max_age_s: 0, ...stale },
      })}\n`,
    );
  } finally {
    await bff.close();
  }
}

/**
 * `users` users of `ordersPerUser` one-card orders each, projected and linked: their session
 * tokens. Checks that their lists hold what was bought (a benchmark of empty lists measures nothing).
 */
async function setUpUsers(bff: BenchBff, users: number, ordersPerUser: number): Promise<User[]> {
  const { pageId, cardIds } = bff.shop;
  const writer = new ProjectionWriter({ redis: bff.redis, keys: bff.keys, client: bff.wechat.client, logger: silentLogger });
  const serviceOpenid = (u: number) => `o_bench_buyer_${u}`;
  const purchases = Array.from({ length: users * ordersPerUser }, (_, i) => ({ user: i % users, cardId: cardIds[i % cardIds.length]! }));
  const orders = await eachLimited(purchases, 8, async ({ user, cardId }) => {
    const order = await bff.control<GiftCardOrder>('shelves/buy', { openid: serviceOpenid(user), page_id: pageId, items: [{ card_id: cardId, count: 1 }] });
    // What the projector does for the purchase's event: re-read the order and its cards.
    await writer.refreshOrder(order.order_id);
    return order;
  });
  return eachLimited(Array.from({ length: users }), 8, async (_, u) => {
    const { code } = await bff.control<{ code: string }>('users/login', { openid: `o_bench_mini_${u}` });
    const { token } = await bff.call<{ token: string }>('POST', '/api/session', { body: { code } });
    // The card jump proves the holder (IDENTITY.md): the session user is linked to the card's openid.
    const card = orders[u]!.card_list[0]!;
    const { encrypt_code } = await bff.control<{ encrypt_code: string }>('codes/encrypt', { code: card.code });
    await bff.call('POST', '/api/cards/open', { token, body: { encrypt_code, card_id: card.card_id, openid: serviceOpenid(u) } });
    const listed = await bff.call<{ cards: unknown[] }>('GET', '/api/cards', { token });
    const ordered = await bff.call<{ orders: unknown[] }>('GET', '/api/orders', { token });
    if (listed.cards.length !== ordersPerUser || ordered.orders.length !== ordersPerUser) {
      throw new Error(`user ${u} lists ${listed.cards.length} cards and ${ordered.orders.length} orders, not ${ordersPerUser}`);
    }
    return { token, bytes: { cards: Buffer.byteLength(JSON.stringify(listed)), orders: Buffer.byteLength(JSON.stringify(ordered)) } };
  });
}

/** One list's requests, measured: throughput, latency, WeChat calls per request, CPU per request. */
async function measure(bff: BenchBff, port: number, requests: Buffer[], connections: number, setUpSince: number) {
  const { result, wechatCalls, wechatCallsByEndpoint, cpuUs } = await measuredLoad(bff, port, requests, connections);
  return {
    requests: requests.length,
    rps: result.rps,
    p50_ms: result.p50,
    p99_ms: result.p99,
    non_200: result.failures,
    wechat_calls_per_request: wechatCalls,
    wechat_calls_per_request_by_endpoint: wechatCallsByEndpoint,
    cpu_us_per_request: cpuUs,
    // At most this old were the projections filled at set-up when the window ended (unless re-read since).
    projections_age_s: Math.round((Date.now() - setUpSince) / 1000),
  };
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
