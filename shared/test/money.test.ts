import { assertFen, assertSignedFen, fenToYuan, formatFen, isFen, yuanToFen } from '../src/money';

describe('formatFen', () => {
  it.each([
    [1234, '¥12.34'],
    [5, '¥0.05'],
    [50, '¥0.50'],
    [0, '¥0.00'],
    [100, '¥1.00'],
    [99999, '¥999.99'],
    [100000, '¥1,000.00'],
    [123456789, '¥1,234,567.89'],
    [100000000, '¥1,000,000.00'],
    [-1234, '-¥12.34'],
    [-5, '-¥0.05'],
    [-0, '¥0.00'],
    [Number.MAX_SAFE_INTEGER, '¥90,071,992,547,409.91'],
    [Number.MAX_SAFE_INTEGER - 2, '¥90,071,992,547,409.89'],
  ])('%p → %p', (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  it('omits the currency sign on request', () => {
    expect(formatFen(100000, { symbol: false })).toBe('1,000.00');
    expect(formatFen(-1234, { symbol: false })).toBe('-12.34');
  });

  it('omits grouping on request', () => {
    expect(formatFen(123456789, { grouping: false })).toBe('¥1234567.89');
  });

  it.each([0.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, '12' as unknown as number])('rejects %p', (bad) => {
    expect(() => formatFen(bad)).toThrow(RangeError);
  });
});

describe('yuanToFen', () => {
  it.each([
    ['0.00', 0],
    ['12.34', 1234],
    ['0.05', 5],
    ['0.5', 50],
    ['7', 700],
    ['0.29', 29], // 0.29 * 100 === 28.999999999999996 in floating point
    ['1.13', 113], // 1.13 * 100 === 112.99999999999999
    ['19.99', 1999],
    ['1000.00', 100000],
    ['007.10', 710],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
  ])('%p → %p', (yuan, fen) => {
    expect(yuanToFen(yuan)).toBe(fen);
  });

  it.each([
    '',
    '1.234',
    '1.',
    '.5',
    '-1.00',
    '+1.00',
    ' 1.00',
    '1.00 ',
    '1,000.00',
    '1e3',
    'abc',
    '¥1.00',
    '0x10',
    '１.00', // full-width digit
    '90071992547409.92',
  ])('rejects %p', (bad) => {
    expect(() => yuanToFen(bad)).toThrow(RangeError);
  });

  it('rejects non-strings', () => {
    expect(() => yuanToFen(12.34 as unknown as string)).toThrow(RangeError);
  });

  it('round-trips with fenToYuan', () => {
    for (const fen of [0, 1, 9, 10, 99, 100, 101, 1234, 100000, 123456789]) {
      expect(yuanToFen(fenToYuan(fen))).toBe(fen);
    }
    expect(fenToYuan(1234)).toBe('12.34');
    expect(fenToYuan(100000)).toBe('1000.00');
    expect(() => fenToYuan(-1)).toThrow(RangeError);
  });
});

describe('assertFen / assertSignedFen', () => {
  it('accepts non-negative safe integers only', () => {
    expect(() => assertFen(0)).not.toThrow();
    expect(() => assertFen(Number.MAX_SAFE_INTEGER)).not.toThrow();
    for (const bad of [-1, 1.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, '1', null, undefined]) {
      expect(() => assertFen(bad)).toThrow(RangeError);
    }
    expect(isFen(1)).toBe(true);
    expect(isFen(-1)).toBe(false);
  });

  it('names the amount in the message', () => {
    expect(() => assertFen(-1, 'balance')).toThrow('balance must be a non-negative safe integer of fen, got -1');
  });

  it('signed variant accepts negative deltas', () => {
    expect(() => assertSignedFen(-500)).not.toThrow();
    for (const bad of [-0.5, NaN, -Infinity, Number.MIN_SAFE_INTEGER - 1, '1']) {
      expect(() => assertSignedFen(bad)).toThrow(RangeError);
    }
  });
});
