import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gc } from '../support/cli';
import { startAdmin, type TestAdmin } from './support';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** 002 §6.1 from the merchant's side: `POST /admin/images` and `pnpm gc images upload FILE`. */
describe('image upload (merchant API and CLI)', () => {
  let admin: TestAdmin;
  beforeAll(async () => {
    admin = await startAdmin();
  });
  afterAll(() => admin.close());

  const upload = (body: Uint8Array | string, type: string, query = '') =>
    fetch(`${admin.origin}/admin/images${query}`, { method: 'POST', headers: { authorization: `Bearer ${admin.config.adminToken}`, 'content-type': type }, body });

  it('POST /admin/images (the image as the body) → {url}, where the sandbox serves it', async () => {
    const res = await upload(PNG, 'image/png', '?filename=logo.png');
    expect(res.status).toBe(200);
    const { url } = (await res.json()) as { url: string };
    const served = await fetch(url);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);
  });

  it('refuses what is not an image with WeChat’s answer, and an empty body before WeChat is called', async () => {
    const text = await upload('hello', 'text/plain');
    expect(text.status).toBe(422);
    expect(await text.json()).toMatchObject({ error: { wechat: { errcode: 40005 } } });
    admin.world.calls.reset();
    const empty = await upload(new Uint8Array(0), 'image/png');
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { code: 'invalid_request' } });
    expect(admin.world.calls.get('media.uploadImage')).toBe(0);
  });

  it('pnpm gc images upload FILE', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gc-images-'));
    const file = join(dir, 'banner.png');
    await writeFile(file, PNG);
    const env = { ADMIN_TOKEN: admin.config.adminToken, GC_URL: admin.origin };
    const r = await gc(['images', 'upload', file], env);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const { url } = JSON.parse(r.stdout) as { url: string };
    expect(Buffer.from(await (await fetch(url)).arrayBuffer())).toEqual(PNG);
    const missing = await gc(['images', 'upload', join(dir, 'nope.png')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.png');
    expect((await gc(['images', 'upload'], env)).stderr).toContain('FILE');
  });
});
