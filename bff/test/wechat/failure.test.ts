import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { wechatApi, type EndpointDef } from '@giftcard/shared';
import { classifyWechatFailure, isNotFound, WechatError } from '../../src/wechat';
import { openShop } from '../support/giftcards';
import { sandboxClient, useSandboxWechat } from '../support/wechat';

const endpoints = Object.entries(wechatApi).flatMap(([area, table]) => Object.entries(table as Record<string, EndpointDef>).map(([name, ep]) => [`${area}.${name}`, ep] as const));

describe("the endpoint table's not-found codes", () => {
  it.each(endpoints)('%s: every not-found code is one of its documented errcodes', (_name, ep) => {
    for (const code of ep.notFound ?? []) expect(ep.errors).toContain(code);
  });

  it('the calls whose unknown id the BFF tells apart declare it', () => {
    const notFound = (name: string) => endpoints.find(([n]) => n === name)![1].notFound ?? [];
    expect(notFound('code.getCode')).toEqual([40056]);
    expect(notFound('order.getOrder')).toEqual([40097]);
    expect(notFound('giftcard.getPage')).toEqual([40097]);
    expect(notFound('scan.checkTicket')).toEqual([40097]);
    // A change's 40097 is also a wrong state (an order refunded already): never "not found".
    expect(notFound('order.refundOrder')).toEqual([]);
  });
});

/** The one classification, on what the real client throws against the sandbox. */
describe('classifyWechatFailure and isNotFound', () => {
  const t = useSandboxWechat();
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (e: unknown) => {
        if (!(e instanceof WechatError)) throw e;
        return e;
      },
    );

  it('an errcode means not found only where its endpoint declares it', async () => {
    const unknownCode = await failure(t.wechat.client.code.getCode({ code: '000000000000' }));
    expect([unknownCode.errcode, isNotFound(unknownCode), classifyWechatFailure(unknownCode)]).toEqual([40056, true, 'not_found']);
    const unknownOrder = await failure(t.wechat.client.order.getOrder({ order_id: 'Z0000' }));
    expect([unknownOrder.errcode, classifyWechatFailure(unknownOrder)]).toEqual([40097, 'not_found']);
    const refund = await failure(t.wechat.client.order.refundOrder({ order_id: 'Z0000' }));
    expect([refund.errcode, isNotFound(refund), classifyWechatFailure(refund)]).toEqual([40097, false, 'rejected']);
    const ticket = await failure(t.wechat.client.scan.checkTicket({ ticket: 'bm90LWEtdGlja2V0' }));
    expect(classifyWechatFailure(ticket)).toBe('not_found');
  });

  it('busy, forbidden, conflict, our own invalid request, a timeout and a reset', async () => {
    const shop = await openShop(t.wechat, t.sandbox, [{ price: 100 }]);
    const classOf = async (p: Promise<unknown>) => classifyWechatFailure(await failure(p));
    await t.sandbox.control('faults', { endpoint: 'giftcard.getPage', errcode: -1, times: 4 });
    expect(await classOf(t.wechat.client.giftcard.getPage({ page_id: shop.pageId }))).toBe('busy');
    await t.sandbox.control('faults', { endpoint: 'giftcard.getPage', errcode: 48001, times: 1 });
    expect(await classOf(t.wechat.client.giftcard.getPage({ page_id: shop.pageId }))).toBe('forbidden');
    await t.sandbox.control('faults', { endpoint: 'code.getCode', errcode: 40099, times: 1 });
    expect(await classOf(t.wechat.client.code.getCode({ code: '000000000000' }))).toBe('conflict');
    expect(await classOf(t.wechat.client.giftcard.getPage({ page_id: '' }))).toBe('invalid_request');
    const quick = sandboxClient(t.sandbox, t.db.redis, t.db.keys, { timeoutMs: 300 });
    await t.sandbox.control('faults', { endpoint: 'giftcard.getPage', delayMs: 1000, times: 1 });
    expect(await classOf(quick.client.giftcard.getPage({ page_id: shop.pageId }))).toBe('timeout');
    await t.sandbox.control('faults', { endpoint: 'giftcard.getPage', afterApply: true, drop: true, times: 1 });
    expect(await classOf(t.wechat.client.giftcard.getPage({ page_id: shop.pageId }))).toBe('unreachable');
  });
});

/** The meanings are decided in one place: no other source file compares errcodes for them. */
describe('one place decides what an errcode means', () => {
  const src = path.resolve(__dirname, '../../src');
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const file = path.join(dir, name);
      return statSync(file).isDirectory() ? files(file) : name.endsWith('.ts') ? [file] : [];
    });
  const MEANINGS = '(-1|40056|40073|40097|40099|40139|40140|43014|45009|45011|48001|SYSTEM_BUSY)';
  const compares = new RegExp(`isWechatError\\([^,()]+,\\s*${MEANINGS}\\)|errcode\\s*===\\s*${MEANINGS}\\b`);

  // The request core retries -1 itself (and renews tokens) before anyone classifies what is left.
  const deciders = new Set([path.join('wechat', 'failure.ts'), path.join('wechat', 'request-core.ts')]);

  it.each(files(src).map((f) => path.relative(src, f)).filter((f) => !deciders.has(f)).map((f) => [f]))('%s', (file) => {
    const code = readFileSync(path.join(src, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(code).not.toMatch(compares);
  });
});
