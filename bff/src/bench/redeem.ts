import { randomBytes } from 'node:crypto';
import type { GiftCardOrder } from '@giftcard/shared';
import { countFromEnv, eachLimited, measuredLoad, startBenchBff, type BenchBff } from './support/bff';
import { driveLoad, serialiseRequests, type LoadRequest } from './support/load';

/**
 * The till under load (CONTRACT.md "Redemption"): `POST /pos/redemptions` from 8 tills at once (8
 * connections, request i from terminal i mod 8), each debit with a fresh idempotency key, through
 * the real lock, WeChat calls and ledger. Two scenarios: spread over 200 cards (each debit a random
 * card: now and then two tills meet on one), and 1 hot card all 8 tills debit. The BFF runs with the
 * sandbox mounted in a server process of its own (support/bff-server.ts, as `pnpm start`); this
 * process drives the load. Prints one JSON line.
 *
 * Sizes: `REDEEM_DEBITS` per scenario (default 1000), after `REDEEM_WARMUP` unmeasured debits
 * (default 300) on the spread cards. Each card holds ¥200 and each debit is 1 fen, so none is refused
 * for want of balance; refusals (409) and other failures are still counted. Afterwards the sandbox's
 * balances and the ledger are checked against the debits answered 201: `exact` says every applied
 * debit changed WeChat's balance once and has one ledger entry.
 */
const TILLS = 8;
const SPREAD_CARDS = 200;
const AMOUNT = 1;

/** The cards a scenario's debits pick from. */
interface Scenario {
  codes: string[];
}

async function main() {
  const debits = countFromEnv('REDEEM_DEBITS', 1000);
  const warmup = countFromEnv('REDEEM_WARMUP', 300);
  const bff = await startBenchBff();
  try {
    const terminals = await eachLimited(Array.from({ length: TILLS }), TILLS, (_, i) =>
      bff.call<{ key: string }>('POST', '/admin/terminals', { body: { name: `bench till ${i + 1}` } }),
    );
    const tillKeys = terminals.map((t) => t.key);
    // One order per card, as a consumer buys: a debit re-reads its card's order afterwards.
    const cardId = bff.shop.cardIds[1]!; // ¥200
    const codes = await eachLimited(Array.from({ length: SPREAD_CARDS + 1 }), 8, async (_, i) => {
      const order = await bff.control<GiftCardOrder>('shelves/buy', { openid: `o_bench_holder_${i}`, page_id: bff.shop.pageId, items: [{ card_id: cardId, count: 1 }] });
      return order.card_list[0]!.code;
    });
    const spread: Scenario = { codes: codes.slice(0, SPREAD_CARDS) };
    const hot: Scenario = { codes: [codes[SPREAD_CARDS]!] };
    const runId = randomBytes(3).toString('hex');
    const work = (s: Scenario, n: number, label: string) =>
      serialiseRequests(
        '127.0.0.1',
        Array.from({ length: n }, (_, i): LoadRequest => ({
          path: '/pos/redemptions',
          contentType: 'application/json',
          headers: { authorization: `Bearer ${tillKeys[i % TILLS]}` },
          body: JSON.stringify({ code: s.codes[Math.floor(Math.random() * s.codes.length)], amount: AMOUNT, idempotency_key: `${runId}-${label}-${i}` }),
        })),
      );
    // Unmeasured: the JIT's first compilations, the access token, the card catalog.
    await driveLoad(bff.server.port, work(spread, warmup, 'warmup'), TILLS, { ok: (s) => s === 201 });
    const results = { spread: await measure(bff, spread, work(spread, debits, 'spread')), hot: await measure(bff, hot, work(hot, debits, 'hot')) };
    process.stdout.write(
      `${JSON.stringify({
        bench: 'redeem',
        name: 'redeem',
        sandbox: 'a service of its own on its own port inside the BFF server process (SANDBOX_URL; the BFF proxies /sandbox to it), so that process\'s CPU is the BFF\'s and the sandbox\'s together; load generator in the bench process',
        tills: TILLS,
        amount_fen: AMOUNT,
        warmup_debits: warmup,
        ...results,
      })}\n`,
    );
  } finally {
    await bff.close();
  }
}

/** One scenario's debits, measured: throughput, latency, refusals, WeChat calls, CPU, and the exactly-once check. */
async function measure(bff: BenchBff, scenario: Scenario, requests: Buffer[]) {
  const balances = async () => {
    const each = await eachLimited(scenario.codes, 16, (code) => bff.call<{ balance: number }>('GET', `/sandbox/_control/codes/${code}`));
    return each.reduce((sum, c) => sum + c.balance, 0);
  };
  const before = { balance: await balances(), ledger: await bff.redis.xlen(bff.keys.redemptions) };
  const { result, wechatCalls, wechatCallsByEndpoint, cpuUs } = await measuredLoad(bff, bff.server.port, requests, TILLS, { ok: (s) => s === 201 });
  const after = { balance: await balances(), ledger: await bff.redis.xlen(bff.keys.redemptions) };
  const n = requests.length;
  const applied = result.statuses[201] ?? 0;
  return {
    cards: scenario.codes.length,
    debits: n,
    debits_per_s: Math.round((result.rps * applied) / n),
    p50_ms: result.p50,
    p99_ms: result.p99,
    applied,
    refused: result.statuses[409] ?? 0,
    // Anything neither applied nor refused (e.g. 503 busy when a till waited out the card's lock), by status.
    other: Object.fromEntries(Object.entries(result.statuses).filter(([s]) => s !== '201' && s !== '409')),
    wechat_calls_per_debit: wechatCalls,
    wechat_calls_per_debit_by_endpoint: wechatCallsByEndpoint,
    cpu_us_per_debit: cpuUs,
    exact: before.balance - after.balance === applied * AMOUNT && after.ledger - before.ledger === applied,
  };
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
