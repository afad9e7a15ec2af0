"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const money_1 = require("../src/money");
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
        expect((0, money_1.formatFen)(fen)).toBe(text);
    });
    it('omits the currency sign on request', () => {
        expect((0, money_1.formatFen)(100000, { symbol: false })).toBe('1,000.00');
        expect((0, money_1.formatFen)(-1234, { symbol: false })).toBe('-12.34');
    });
    it('omits grouping on request', () => {
        expect((0, money_1.formatFen)(123456789, { grouping: false })).toBe('¥1234567.89');
    });
    it.each([0.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, '12'])('rejects %p', (bad) => {
        expect(() => (0, money_1.formatFen)(bad)).toThrow(RangeError);
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
        expect((0, money_1.yuanToFen)(yuan)).toBe(fen);
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
        expect(() => (0, money_1.yuanToFen)(bad)).toThrow(RangeError);
    });
    it('rejects non-strings', () => {
        expect(() => (0, money_1.yuanToFen)(12.34)).toThrow(RangeError);
    });
    it('round-trips with fenToYuan', () => {
        for (const fen of [0, 1, 9, 10, 99, 100, 101, 1234, 100000, 123456789]) {
            expect((0, money_1.yuanToFen)((0, money_1.fenToYuan)(fen))).toBe(fen);
        }
        expect((0, money_1.fenToYuan)(1234)).toBe('12.34');
        expect((0, money_1.fenToYuan)(100000)).toBe('1000.00');
        expect(() => (0, money_1.fenToYuan)(-1)).toThrow(RangeError);
    });
});
describe('assertFen / assertSignedFen', () => {
    it('accepts non-negative safe integers only', () => {
        expect(() => (0, money_1.assertFen)(0)).not.toThrow();
        expect(() => (0, money_1.assertFen)(Number.MAX_SAFE_INTEGER)).not.toThrow();
        for (const bad of [-1, 1.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, '1', null, undefined]) {
            expect(() => (0, money_1.assertFen)(bad)).toThrow(RangeError);
        }
        expect((0, money_1.isFen)(1)).toBe(true);
        expect((0, money_1.isFen)(-1)).toBe(false);
    });
    it('names the amount in the message', () => {
        expect(() => (0, money_1.assertFen)(-1, 'balance')).toThrow('balance must be a non-negative safe integer of fen, got -1');
    });
    it('signed variant accepts negative deltas', () => {
        expect(() => (0, money_1.assertSignedFen)(-500)).not.toThrow();
        for (const bad of [-0.5, NaN, -Infinity, Number.MIN_SAFE_INTEGER - 1, '1']) {
            expect(() => (0, money_1.assertSignedFen)(bad)).toThrow(RangeError);
        }
    });
});
//# sourceMappingURL=money.test.js.map