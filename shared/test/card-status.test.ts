import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CARD_STATUS_TEXT } from '../src/card-status';
import type { CardStatus } from '../src/api';

const ALL: CardStatus[] = ['NORMAL', 'CONSUMED', 'EXPIRE', 'GIFTING', 'GIFT_TIMEOUT', 'DELETE', 'UNAVAILABLE', 'REMOVED'];

test('one vocabulary for every card status, REMOVED (refunded) included, in Chinese only', () => {
  expect(Object.keys(CARD_STATUS_TEXT).sort()).toEqual([...ALL].sort());
  for (const s of ALL) {
    expect(CARD_STATUS_TEXT[s].label).toMatch(/^[\u4e00-\u9fa5]{2,4}$/);
    expect(CARD_STATUS_TEXT[s].hint).not.toMatch(/[A-Za-z]/);
    if (s !== 'NORMAL') expect(CARD_STATUS_TEXT[s].hint).not.toBe('');
  }
  expect(CARD_STATUS_TEXT.REMOVED.label).toBe('已退款');
  expect(CARD_STATUS_TEXT.GIFT_TIMEOUT.label).toBe('已退回');
});

test('zod-free, so the Mini Program can import it', () => {
  const src = readFileSync(join(__dirname, '../src/card-status.ts'), 'utf8');
  expect(src).not.toMatch(/from ['"]zod['"]/);
  expect(src).not.toMatch(/^import (?!type)/m);
  const pkg = JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8'));
  expect(pkg.exports['./card-status']).toEqual({ types: './dist/card-status.d.ts', default: './dist/card-status.js' });
});
