import { request } from 'node:http';
import { z } from 'zod';
import { endpoint, okOnly } from '@giftcard/shared';
import { WechatRequestCore } from '../../src/wechat/request-core';
import { WechatError } from '../../src/wechat';
import { startAdmin } from '../admin/support';

const deep = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** A raw request, so the response's `Connection` header can be read. */
function raw(origin: string, method: string, path: string, body: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request(`${origin}${path}`, { method, headers: { 'content-type': 'application/json', connection: 'keep-alive', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the one JSON body reader', () => {
  let admin: Awaited<ReturnType<typeof startAdmin>>;
  beforeAll(async () => {
    admin = await startAdmin();
  });
  afterAll(() => admin.close());

  it('answers 400 to a 10,000-deep brand_info (it used to overflow the stack inside the WeChat call: 502)', async () => {
    const body = `{"brand_info":${deep(10_000)}}`;
    const res = await raw(admin.origin, 'PUT', '/admin/products/ean13/6900000000001', body, { authorization: `Bearer ${admin.config.adminToken}` });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'too_deep', message: expect.stringContaining('nested') } });
    expect(admin.wechatCalls()).toEqual({});
  });

  it('answers 400 to deep arrays on /api and /pos as well, and accepts ordinary nesting', async () => {
    for (const path of ['/api/session', '/pos/redemptions']) {
      const res = await raw(admin.origin, 'POST', path, `{"code":${'['.repeat(5000)}${']'.repeat(5000)}}`);
      expect([400, 401]).toContain(res.status);
      if (path === '/api/session') expect(JSON.parse(res.body).error.code).toBe('too_deep');
    }
    // Strings holding brackets are not nesting.
    const ok = await raw(admin.origin, 'POST', '/api/session', JSON.stringify({ code: '[[[[{{{{'.repeat(100) }));
    expect(JSON.parse(ok.body).error?.code).not.toBe('too_deep');
  });

  it('the 413 answer closes the connection', async () => {
    const res = await raw(admin.origin, 'POST', '/api/session', JSON.stringify({ code: 'x'.repeat(40_000) }));
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
  });

  it('the same reader for an image upload and the landing form POST: 413 too_large, the connection closed', async () => {
    const upload = await raw(admin.origin, 'POST', '/admin/images', 'x'.repeat(3 * 1024 * 1024), { authorization: `Bearer ${admin.config.adminToken}`, 'content-type': 'image/png' });
    expect(upload.status).toBe(413);
    expect(JSON.parse(upload.body)).toEqual({ error: { code: 'too_large', message: expect.any(String) } });
    expect(upload.headers.connection).toBe('close');
    const form = await raw(admin.origin, 'POST', '/landing/order/invoice', `title=${'x'.repeat(20_000)}`, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(413);
    expect(form.body).toContain('提交的内容太长');
    expect(form.headers.connection).toBe('close');
  });
});

describe('the request core serialises before calling WeChat', () => {
  it('a request that cannot be written as JSON is invalid_request, not a transport failure, and nothing is sent', async () => {
    let sent = 0;
    const core = new WechatRequestCore({ baseUrl: 'http://127.0.0.1:9', onCall: () => sent++ });
    const ep = endpoint({ path: '/x', method: 'POST', auth: 'app', request: z.any(), response: okOnly, errors: [], spec: 'test' });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const input of [{ n: 1n }, circular]) {
      const e = await core.call(ep, input).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(WechatError);
      expect((e as WechatError).kind).toBe('invalid_request');
    }
    expect(sent).toBe(0);
  });
});
