import { useSandboxWechat, wechatFailure } from '../support/wechat';

/** A 1×1 PNG. */
const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));

/** 002 §6.1: the image upload interface, multipart through the real request core, against the sandbox. */
describe('image upload (/cgi-bin/media/uploadimg)', () => {
  const t = useSandboxWechat();

  it('sends the image as the multipart field buffer; the sandbox answers {url} and serves the image there', async () => {
    const { url } = await t.wechat.client.media.uploadImage({ buffer: { filename: 'logo.png', contentType: 'image/png', data: PNG } });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sandbox\/mmbiz\/[0-9a-f]{24}$/);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
    expect(t.sandbox.world.calls.get('media.uploadImage')).toBe(1);
  });

  it("answers WeChat's errcodes: no buffer field 41005, not an image 40005, over 1 MB 40009, a JSON body 41005", async () => {
    const token = await t.wechat.tokens.get();
    const post = async (form: FormData | string) =>
      (await (await fetch(`${t.sandbox.apiBase}/cgi-bin/media/uploadimg?access_token=${token}`, { method: 'POST', body: form })).json()) as Record<string, unknown>;
    const form = (field: string, type: string, bytes: Uint8Array) => {
      const f = new FormData();
      f.append(field, new Blob([bytes], { type }), 'x.bin');
      return f;
    };
    expect(await post(form('media', 'image/png', PNG))).toMatchObject({ errcode: 41005 });
    expect(await post(form('buffer', 'text/plain', Uint8Array.from([1, 2, 3])))).toMatchObject({ errcode: 40005 });
    expect(await post(form('buffer', 'image/png', new Uint8Array(1024 * 1024 + 1)))).toMatchObject({ errcode: 40009 });
    expect(await post('{"buffer":"x"}')).toMatchObject({ errcode: 41005 });
    expect(await wechatFailure(t.wechat.client.media.uploadImage({ buffer: { filename: 'a.txt', contentType: 'text/plain', data: Uint8Array.from([1]) } }))).toMatchObject({
      kind: 'api',
      errcode: 40005,
    });
  });

  it('refuses an empty file before WeChat is called', async () => {
    expect(await wechatFailure(t.wechat.client.media.uploadImage({ buffer: { filename: 'a.png', contentType: 'image/png', data: new Uint8Array(0) } }))).toMatchObject({
      kind: 'invalid_request',
    });
    expect(t.sandbox.world.calls.get('media.uploadImage')).toBe(0);
  });
});
