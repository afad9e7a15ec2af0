import { call, login, start, type Bff } from './support';

describe('POST /api/scan/check', () => {
  let bff: Bff;
  const product = { keystandard: 'ean13', keystr: '6900000000001' };
  const other = { keystandard: 'ean13', keystr: '6900000000002' };
  const scan = async (openid: string, p = product) => (await bff.control<{ ticket: string }>('products/scan', { ...p, openid })).ticket;

  beforeAll(async () => {
    bff = await start();
    await bff.control('products', { ...product, status: 'on' });
    await bff.control('products', { ...other, status: 'on' });
  });
  afterAll(() => bff.close());

  it('answers what the page needs, and binds the ticket to the first session', async () => {
    const [a, b] = await Promise.all([login(bff, 'mini_a'), login(bff, 'mini_b')]);
    const ticket = await scan('svc_a');
    const res = await call(bff, 'POST', '/api/scan/check', { token: a, body: { ticket, ...product } });
    expect(res).toEqual(expect.objectContaining({ status: 200, body: { ...product, scene: '1', is_check: true, is_contact: false } }));
    expect(res.text).not.toContain('svc_a');
    expect((await call(bff, 'POST', '/api/scan/check', { token: a, body: { ticket } })).status).toBe(200);
    // Replayed by another user.
    expect(await call(bff, 'POST', '/api/scan/check', { token: b, body: { ticket } })).toMatchObject({ status: 403, body: { error: { code: 'ticket_foreign' } } });
  });

  it("answers the scene of the spec's own example as WeChat gave it (\"scan\", 000 Checking wxticket)", async () => {
    const a = await login(bff, 'mini_a5');
    const { ticket } = await bff.control<{ ticket: string }>('products/scan', { ...product, openid: 'svc_a5', scene: 'scan' });
    const res = await call(bff, 'POST', '/api/scan/check', { token: a, body: { ticket } });
    expect(res).toMatchObject({ status: 200, body: { ...product, scene: 'scan', is_check: false, is_contact: false } });
  });

  it('refuses a ticket for another product', async () => {
    const a = await login(bff, 'mini_a2');
    const ticket = await scan('svc_a2', other);
    expect(await call(bff, 'POST', '/api/scan/check', { token: a, body: { ticket, ...product } })).toMatchObject({ status: 404, body: { error: { code: 'ticket_invalid' } } });
  });

  it("refuses a ticket of another WeChat user to a linked user", async () => {
    const a = await login(bff, 'mini_a3');
    await bff.db.redis.set(bff.db.keys.miniLink('mini_a3'), 'svc_a3');
    expect((await call(bff, 'POST', '/api/scan/check', { token: a, body: { ticket: await scan('svc_someone') } })).status).toBe(403);
    expect((await call(bff, 'POST', '/api/scan/check', { token: a, body: { ticket: await scan('svc_a3') } })).status).toBe(200);
  });

  it("refuses an unlinked session a ticket issued to a user linked to another session", async () => {
    const [thief, owner] = await Promise.all([login(bff, 'mini_thief'), login(bff, 'mini_owner')]);
    await bff.db.redis.set(bff.db.keys.miniLink('mini_owner'), 'svc_owner');
    await bff.db.redis.set(bff.db.keys.serviceLink('svc_owner'), 'mini_owner');
    const ticket = await scan('svc_owner');
    // The thief checks first: the ticket is not theirs to bind.
    expect(await call(bff, 'POST', '/api/scan/check', { token: thief, body: { ticket } })).toMatchObject({ status: 403, body: { error: { code: 'ticket_foreign' } } });
    expect((await call(bff, 'POST', '/api/scan/check', { token: owner, body: { ticket } })).status).toBe(200);
  });

  it('refuses unknown tickets and tickets older than 20 minutes', async () => {
    const a = await login(bff, 'mini_a4');
    expect((await call(bff, 'POST', '/api/scan/check', { token: a, body: { ticket: 'nope' } })).status).toBe(404);
    expect((await call(bff, 'POST', '/api/scan/check', { token: a, body: {} })).status).toBe(400);
    const ticket = await scan('svc_a4');
    await bff.control('clock/advance', { seconds: 19 * 60 });
    expect((await call(bff, 'POST', '/api/scan/check', { token: a, body: { ticket } })).status).toBe(200);
    await bff.control('clock/advance', { seconds: 2 * 60 });
    expect(await call(bff, 'POST', '/api/scan/check', { token: a, body: { ticket } })).toMatchObject({ status: 404, body: { error: { code: 'ticket_invalid' } } });
  });
});
