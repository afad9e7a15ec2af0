import { deflateSync } from 'node:zlib';
import type Koa from 'koa';

/**
 * The project's icon, drawn here (no file to ship, nothing from outside): a gift in white on a
 * WeChat-green rounded square, 32×32, written as an ICO holding one PNG (every browser since IE 11
 * reads PNG-in-ICO). Served at /favicon.ico and /app/favicon.ico.
 */

const GREEN = [7, 193, 96] as const;
const SIZE = 32;

/** Coverage of pixel (x, y) by a shape, 4×4 supersampled: smooth edges without a renderer. */
function coverage(x: number, y: number, inside: (px: number, py: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (inside(x + (i + 0.5) / 4, y + (j + 0.5) / 4)) n++;
  return n / 16;
}

function inRoundedRect(px: number, py: number, x0: number, y0: number, x1: number, y1: number, r: number): boolean {
  if (px < x0 || px > x1 || py < y0 || py > y1) return false;
  const cx = Math.min(Math.max(px, x0 + r), x1 - r);
  const cy = Math.min(Math.max(py, y0 + r), y1 - r);
  return (px - cx) ** 2 + (py - cy) ** 2 <= r * r;
}

/** The gift: a box, its lid, a ribbon down the middle, and a bow. */
function inGift(px: number, py: number): boolean {
  const box = inRoundedRect(px, py, 8.5, 15, 23.5, 25, 1);
  const lid = inRoundedRect(px, py, 7, 11.5, 25, 14.5, 1);
  const bowL = (px - 13) ** 2 / 7 + (py - 8.2) ** 2 / 5 <= 1;
  const bowR = (px - 19) ** 2 / 7 + (py - 8.2) ** 2 / 5 <= 1;
  const ribbon = px >= 15 && px <= 17 && py >= 11 && py <= 25;
  // The ribbon cuts the box and lid in green; the bow is white.
  return ((box || lid) && !ribbon) || bowL || bowR;
}

/** RGBA pixels of the icon. */
export function drawIcon(): Buffer {
  const data = Buffer.alloc(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const bg = coverage(x, y, (px, py) => inRoundedRect(px, py, 0, 0, SIZE, SIZE, 7));
      const white = coverage(x, y, inGift);
      const o = (y * SIZE + x) * 4;
      for (let c = 0; c < 3; c++) data[o + c] = Math.round(GREEN[c]! * (1 - white) + 255 * white);
      data[o + 3] = Math.round(255 * bg);
    }
  }
  return data;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGBA PNG, rows unfiltered. */
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** An ICO file with one PNG image. */
export function encodeIco(size: number, png: Buffer): Buffer {
  const head = Buffer.alloc(6 + 16);
  head.writeUInt16LE(0, 0);
  head.writeUInt16LE(1, 2);
  head.writeUInt16LE(1, 4);
  head.writeUInt8(size % 256, 6);
  head.writeUInt8(size % 256, 7);
  head.writeUInt16LE(1, 10); // colour planes
  head.writeUInt16LE(32, 12); // bits per pixel
  head.writeUInt32LE(png.length, 14);
  head.writeUInt32LE(head.length, 18);
  return Buffer.concat([head, png]);
}

let icon: Buffer | undefined;
export function faviconIco(): Buffer {
  icon ??= encodeIco(SIZE, encodePng(SIZE, SIZE, drawIcon()));
  return icon;
}

/** GET/HEAD /favicon.ico and /app/favicon.ico (the H5 build has none; browsers ask the origin's root). */
export function favicon(): Koa.Middleware {
  return async (ctx, next) => {
    if ((ctx.path !== '/favicon.ico' && ctx.path !== '/app/favicon.ico') || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    ctx.status = 200;
    ctx.type = 'image/x-icon';
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.body = faviconIco();
  };
}
