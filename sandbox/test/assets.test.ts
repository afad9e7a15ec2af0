import { DEMO_ASSETS } from '../src/assets';
import { DEMO_PRODUCT, seedDemo } from '../src/demo-seed';
import { startBff } from '../../bff/test/support/app';

type Bff = Awaited<ReturnType<typeof startBff>>;

/** The demo shop runs offline: the sandbox serves its own pictures, and the demo data points at them. */
describe('the sandbox demo images', () => {
  let bff: Bff;
  beforeAll(async () => {
    bff = await startBff();
  });
  afterAll(() => bff.close());

  it('serves every demo picture as an SVG image of its own, locked down, and 404 for anything else', async () => {
    expect(DEMO_ASSETS.length).toBeGreaterThanOrEqual(8);
    for (const name of DEMO_ASSETS) {
      const res = await fetch(`${bff.origin}/sandbox/assets/${name}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/svg+xml');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      // An SVG opened on its own runs no script and loads nothing.
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
      expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
      const svg = await res.text();
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*viewBox="0 0 \d+ \d+"/);
      expect(svg).not.toMatch(/<script|href="http|url\(http/i);
    }
    for (const bad of ['nope.svg', '..%2Fconfig.ts', 'banner.svg.map']) {
      expect((await fetch(`${bff.origin}/sandbox/assets/${bad}`)).status).toBe(404);
    }
  });

  it('seeds a demo shop whose every picture (cards, shelf, themes, faces, product) is one the sandbox serves', async () => {
    const demo = await seedDemo({ origin: bff.origin, adminToken: bff.config.adminToken, wxaAppid: bff.config.wxaAppid });
    const page = (await bff.wechat.client.giftcard.getPage({ page_id: demo.pageId })).page;
    const product = (await bff.wechat.client.scan.getProduct(DEMO_PRODUCT)).brand_info;
    const card = await bff.wechat.client.code.getCode({ code: demo.order.card_list[0]!.code, card_id: demo.order.card_list[0]!.card_id, check_consume: false });
    const urls = [
      page.banner_pic_url,
      ...page.theme_list.flatMap((t) => [t.theme_pic_url, ...(t.pic_item_list ?? []).map((p) => p.background_pic_url)]),
      product.base_info?.thumb_url,
      ...(product.detail_info?.banner_list ?? []).map((b) => b.link),
      card.background_pic_url,
    ];
    expect(urls.length).toBeGreaterThanOrEqual(8);
    for (const url of urls) {
      // Uploaded through the image upload interface (002 §6.1): served where the upload answered.
      expect(url).toMatch(new RegExp(`^${bff.origin}/sandbox/mmbiz/[0-9a-f]{24}$`));
      const res = await fetch(url!);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/svg+xml');
    }
    // Nothing of the demo points outside this machine.
    expect(JSON.stringify({ page, product }).replaceAll(bff.origin, '')).not.toMatch(/https?:|example\.com|qpic|qlogo/);
  });
});
