import type Koa from 'koa';

/**
 * The demo shop's pictures, drawn here as SVG (no file to ship, nothing fetched): card faces, the
 * card backgrounds and logo, the shelf's banner and theme pictures, the scan product's picture and
 * banner. `/sandbox/assets/<name>` serves them, so `pnpm start` shows a complete shop offline.
 *
 * Real WeChat wants its own CDN (mmbiz) URLs for these fields, uploaded with /media/uploadimg; the
 * endpoint schemas (shared/src/wechat/endpoints) do not check that, and the sandbox, playing WeChat
 * on this machine, accepts its own origin like any other URL. The demo seed is sandbox-only.
 */

const FONT = `font-family="'PingFang SC','Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif"`;

function svg(w: number, h: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${body}</svg>`;
}

function gradient(id: string, from: string, to: string, vertical = false): string {
  return `<linearGradient id="${id}" x1="0" y1="0" x2="${vertical ? 0 : 1}" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient>`;
}

/** A gift card (1000×630, a bank card's proportions): its colours, its name, its value, a motif. */
function card(opts: { from: string; to: string; title: string; value: string; ink: string; motif: string }): string {
  return svg(
    1000,
    630,
    `<defs>${gradient('g', opts.from, opts.to)}</defs>
<rect width="1000" height="630" rx="40" fill="url(#g)"/>
<circle cx="880" cy="90" r="240" fill="#fff" opacity=".08"/><circle cx="140" cy="620" r="200" fill="#fff" opacity=".06"/>
${opts.motif}
<g ${FONT} fill="${opts.ink}">
<text x="64" y="118" font-size="40" opacity=".85">微信咖啡厅</text>
<text x="64" y="196" font-size="64" font-weight="700">${opts.title}</text>
<text x="936" y="560" font-size="120" font-weight="700" text-anchor="end">${opts.value}</text>
</g>`,
  );
}

const HEART = (x: number, y: number, s: number, fill: string, opacity = 1) =>
  `<path transform="translate(${x} ${y}) scale(${s})" d="M0 30C0 13 13 0 28 0c9 0 17 5 22 12C55 5 63 0 72 0c15 0 28 13 28 30 0 32-50 62-50 62S0 62 0 30z" fill="${fill}" opacity="${opacity}"/>`;

const LEAF = (x: number, y: number, s: number, r: number, fill: string, opacity = 1) =>
  `<path transform="translate(${x} ${y}) rotate(${r}) scale(${s})" d="M0 0C30-40 90-40 120 0 90 40 30 40 0 0z" fill="${fill}" opacity="${opacity}"/><path transform="translate(${x} ${y}) rotate(${r}) scale(${s})" d="M0 0H112" stroke="#fff" stroke-width="3" opacity="${opacity * 0.5}"/>`;

const CUP = (x: number, y: number, s: number, fill: string) =>
  `<g transform="translate(${x} ${y}) scale(${s})" fill="${fill}"><path d="M0 0h120l-12 110a20 20 0 0 1-20 18H32a20 20 0 0 1-20-18z"/><path d="M118 22h14a26 26 0 0 1 0 52h-20l3-14h17a12 12 0 0 0 0-24h-16z"/><path d="M30-20c-8-14 8-20 0-36M60-20c-8-14 8-20 0-36M90-20c-8-14 8-20 0-36" stroke="${fill}" stroke-width="7" fill="none" stroke-linecap="round" opacity=".7"/></g>`;

const BALLOON = (x: number, y: number, fill: string) =>
  `<g transform="translate(${x} ${y})"><ellipse cx="0" cy="0" rx="46" ry="56" fill="${fill}"/><path d="M0 56l-8 12h16z" fill="${fill}"/><path d="M0 68c-10 30 10 50 0 90" stroke="#fff" stroke-width="3" fill="none" opacity=".8"/><ellipse cx="-16" cy="-20" rx="10" ry="16" fill="#fff" opacity=".35"/></g>`;

const CAKE = (x: number, y: number) =>
  `<g transform="translate(${x} ${y})"><rect x="0" y="80" width="260" height="110" rx="18" fill="#fff"/><rect x="0" y="80" width="260" height="34" rx="17" fill="#FFD8C7"/><rect x="30" y="10" width="200" height="80" rx="16" fill="#FFF3EC"/><path d="M30 40q25 20 50 0t50 0 50 0 50 0" stroke="#FB966E" stroke-width="10" fill="none"/>${[70, 130, 190]
    .map((cx) => `<rect x="${cx - 6}" y="-40" width="12" height="50" rx="6" fill="#FFC300"/><path d="M${cx} -70c-12 14-8 24 0 26 8-2 12-12 0-26z" fill="#FA5151"/>`)
    .join('')}</g>`;

/** name → SVG text. */
const ASSETS: Record<string, () => string> = {
  'card-heart.svg': () =>
    card({ from: '#FFB088', to: '#F25F5C', title: '心意礼品卡', value: '¥50', ink: '#fff', motif: HEART(640, 230, 2.2, '#fff', 0.22) + HEART(760, 150, 0.9, '#fff', 0.3) }),
  'card-premium.svg': () =>
    card({
      from: '#23402F',
      to: '#0B1A12',
      title: '尊享礼品卡',
      value: '¥200',
      ink: '#E9D29C',
      motif: `<path d="M0 420C250 360 520 520 1000 380" stroke="#E9D29C" stroke-width="3" fill="none" opacity=".5"/><path d="M0 460C300 400 560 560 1000 420" stroke="#E9D29C" stroke-width="2" fill="none" opacity=".3"/>${CUP(700, 200, 1, '#E9D29C')}`,
    }),
  'face-birthday.svg': () =>
    svg(
      1000,
      630,
      `<defs>${gradient('g', '#FFE1D2', '#FB966E')}</defs><rect width="1000" height="630" rx="40" fill="url(#g)"/>${BALLOON(150, 160, '#FA5151')}${BALLOON(860, 140, '#FFC300')}${BALLOON(780, 230, '#07C160')}${CAKE(370, 330)}<text x="500" y="200" ${FONT} font-size="96" font-weight="700" fill="#fff" text-anchor="middle">生日快乐</text>`,
    ),
  'face-thanks.svg': () =>
    svg(
      1000,
      630,
      `<defs>${gradient('g', '#DFF5E8', '#07C160')}</defs><rect width="1000" height="630" rx="40" fill="url(#g)"/>${LEAF(80, 520, 2.2, -35, '#fff', 0.35)}${LEAF(700, 560, 2.6, -60, '#fff', 0.25)}${LEAF(820, 120, 1.4, 20, '#fff', 0.4)}${HEART(430, 330, 1.4, '#fff', 0.9)}<text x="500" y="250" ${FONT} font-size="96" font-weight="700" fill="#fff" text-anchor="middle">感谢有你</text>`,
    ),
  'banner.svg': () =>
    svg(
      750,
      300,
      `<defs>${gradient('g', '#6B4226', '#2E1A0E')}</defs><rect width="750" height="300" fill="url(#g)"/><circle cx="640" cy="40" r="160" fill="#fff" opacity=".06"/>${CUP(520, 110, 1.1, '#F3D9B1')}<g ${FONT} fill="#fff"><text x="48" y="132" font-size="52" font-weight="700">微信咖啡厅礼品卡</text><text x="48" y="190" font-size="30" opacity=".8">一杯咖啡的心意，送给重要的人</text></g>`,
    ),
  'theme-birthday.svg': () =>
    svg(
      750,
      420,
      `<defs>${gradient('g', '#FFF1E8', '#FDBA9A', true)}</defs><rect width="750" height="420" fill="url(#g)"/>${BALLOON(140, 140, '#FA5151')}${BALLOON(250, 110, '#FFC300')}${BALLOON(610, 130, '#10AEFF')}${CAKE(245, 200)}`,
    ),
  'theme-thanks.svg': () =>
    svg(
      750,
      420,
      `<defs>${gradient('g', '#F0FBF4', '#9FE3BE', true)}</defs><rect width="750" height="420" fill="url(#g)"/>${LEAF(120, 330, 2, -40, '#07C160', 0.5)}${LEAF(520, 360, 2.2, -70, '#07C160', 0.35)}${LEAF(560, 110, 1.3, 15, '#07C160', 0.45)}${HEART(300, 140, 1.5, '#FB966E', 0.9)}`,
    ),
  'logo.svg': () => svg(200, 200, `<circle cx="100" cy="100" r="100" fill="#6B4226"/>${CUP(42, 70, 0.75, '#F3D9B1')}`),
  'tea-thumb.svg': () =>
    svg(400, 400, `<defs>${gradient('g', '#EAF7E4', '#B9E3A8', true)}</defs><rect width="400" height="400" fill="url(#g)"/>${LEAF(70, 250, 2.2, -35, '#3F8F3A')}${LEAF(150, 300, 1.6, -75, '#58A84E', 0.9)}<circle cx="300" cy="110" r="44" fill="#fff" opacity=".6"/>`),
  'tea-banner.svg': () =>
    svg(
      750,
      420,
      `<defs>${gradient('g', '#DDF0F7', '#F3FAEF', true)}</defs><rect width="750" height="420" fill="url(#g)"/><circle cx="600" cy="90" r="50" fill="#FFE9A8"/><path d="M0 260C150 200 300 220 420 260S650 300 750 240V420H0z" fill="#8CC97A"/><path d="M0 320C180 270 360 300 500 330S680 350 750 320V420H0z" fill="#4E9E45"/><path d="M0 370C200 340 400 360 750 380V420H0z" fill="#3A7F33"/><path d="M40 300q60-14 120 0M220 318q60-14 120 0M420 340q60-14 120 0" stroke="#DDF0C9" stroke-width="4" fill="none" opacity=".7"/>`,
    ),
};

/** Every name the sandbox serves under /sandbox/assets/. */
export const DEMO_ASSETS: readonly string[] = Object.keys(ASSETS);

const rendered = new Map<string, string>();

/** The SVG of a demo picture, or undefined for a name that is not one. */
export function demoAsset(name: string): string | undefined {
  const draw = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!draw) return undefined;
  let s = rendered.get(name);
  if (s === undefined) rendered.set(name, (s = draw()));
  return s;
}

/** `GET /sandbox/assets/:name`: a demo picture; an SVG opened on its own runs nothing and loads nothing. */
export function serveDemoAsset(ctx: Koa.Context, name: string): void {
  const body = demoAsset(name);
  ctx.set('X-Content-Type-Options', 'nosniff');
  if (body === undefined) {
    ctx.status = 404;
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = 'Not found';
    return;
  }
  ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
  ctx.set('Cache-Control', 'public, max-age=3600');
  ctx.type = 'image/svg+xml';
  ctx.body = body;
}
