"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
const protocol_1 = require("../src/protocol");
const query_1 = require("../src/protocol/query");
const root = __importStar(require("../src"));
// Values that break naive query handling: base64 specials, delimiters, space, percent, Chinese.
const NASTY = 'a+b/c=d&e#f?g h%i 礼品卡=';
describe('shelf link (002 §7.2 note 1-2)', () => {
    it('matches the spec example byte for byte (lowercase hex)', () => {
        expect((0, protocol_1.buildShelfLink)({ pageId: 'abcedfghifk=+Uasdaseq14fadkf8123h4jk' })).toBe('https://mp.weixin.qq.com/bizmall/giftcard?action=homepage&page_id=abcedfghifk%3d%2bUasdaseq14fadkf8123h4jk#wechat_redirect');
    });
    it('matches the plain and outer_str examples', () => {
        expect((0, protocol_1.buildShelfLink)({ pageId: '123456' })).toBe('https://mp.weixin.qq.com/bizmall/giftcard?action=homepage&page_id=123456#wechat_redirect');
        expect((0, protocol_1.buildShelfLink)({ pageId: '123456', outerStr: 'abc' })).toBe('https://mp.weixin.qq.com/bizmall/giftcard?action=homepage&page_id=123456&outer_str=abc#wechat_redirect');
    });
    it('encodes outer_str too, lowercase hex', () => {
        expect((0, protocol_1.buildShelfLink)({ pageId: 'p=', outerStr: '渠道 1' })).toBe('https://mp.weixin.qq.com/bizmall/giftcard?action=homepage&page_id=p%3d&outer_str=%e6%b8%a0%e9%81%93%201#wechat_redirect');
    });
    it('rejects an empty page_id or an empty given outer_str', () => {
        expect(() => (0, protocol_1.buildShelfLink)({ pageId: '' })).toThrow(RangeError);
        expect(() => (0, protocol_1.buildShelfLink)({ pageId: '1', outerStr: '' })).toThrow(RangeError);
    });
    it('parses the spec examples', () => {
        expect((0, protocol_1.parseShelfLink)('https://mp.weixin.qq.com/bizmall/giftcard?action=homepage&page_id=abcedfghifk%3d%2bUasdaseq14fadkf8123h4jk#wechat_redirect')).toEqual({ pageId: 'abcedfghifk=+Uasdaseq14fadkf8123h4jk' });
        expect((0, protocol_1.parseShelfLink)('https://mp.weixin.qq.com/bizmall/giftcard?action=homepage&page_id=123456&outer_str=abc#wechat_redirect')).toStrictEqual({ pageId: '123456', outerStr: 'abc' });
        // uppercase hex is the same URL
        expect((0, protocol_1.parseShelfLink)('https://mp.weixin.qq.com/bizmall/giftcard?action=homepage&page_id=x%3D%2B#wechat_redirect')).toEqual({
            pageId: 'x=+',
        });
    });
    it('round-trips nasty values', () => {
        expect((0, protocol_1.parseShelfLink)((0, protocol_1.buildShelfLink)({ pageId: NASTY, outerStr: NASTY }))).toStrictEqual({ pageId: NASTY, outerStr: NASTY });
    });
    it.each([
        'https://example.com/bizmall/giftcard?action=homepage&page_id=1#wechat_redirect',
        'https://mp.weixin.qq.com/bizmall/giftcard?action=other&page_id=1#wechat_redirect',
        'https://mp.weixin.qq.com/bizmall/giftcard?action=homepage&page_id=#wechat_redirect',
        'https://mp.weixin.qq.com/bizmall/giftcard#wechat_redirect',
        'not a url',
    ])('returns null for %p', (url) => {
        expect((0, protocol_1.parseShelfLink)(url)).toBeNull();
    });
});
describe('shelf cell jump (002 §14.2)', () => {
    const jump = { orderId: 'Z2y2rY4UxUZYitvVGA', openid: 'oAAAAAKe1ri5AAaAiB50-Ak6Vs1w' };
    it('matches the spec example, adding "/" for the empty path', () => {
        expect((0, protocol_1.buildCellJumpUrl)('https://mp.weixin.qq.com', jump)).toBe('https://mp.weixin.qq.com/?order_id=Z2y2rY4UxUZYitvVGA&openid=oAAAAAKe1ri5AAaAiB50-Ak6Vs1w');
    });
    it.each([
        ['https://shop.example.com/after-sale', 'https://shop.example.com/after-sale?order_id=O1&openid=U1'],
        ['https://shop.example.com/a?from=gc', 'https://shop.example.com/a?from=gc&order_id=O1&openid=U1'],
        ['https://shop.example.com/a?', 'https://shop.example.com/a?order_id=O1&openid=U1'],
        ['https://shop.example.com/a?x=1&', 'https://shop.example.com/a?x=1&order_id=O1&openid=U1'],
        ['https://shop.example.com/a?x=1#top', 'https://shop.example.com/a?x=1&order_id=O1&openid=U1#top'],
        ['https://shop.example.com#top', 'https://shop.example.com/?order_id=O1&openid=U1#top'],
        ['https://shop.example.com?x=1', 'https://shop.example.com/?x=1&order_id=O1&openid=U1'],
        // hash-router: "?" inside the fragment is not a query; ours goes before "#"
        ['https://h5.example.com/#/help?x=1', 'https://h5.example.com/?order_id=O1&openid=U1#/help?x=1'],
    ])('appends to %p', (url, expected) => {
        expect((0, protocol_1.buildCellJumpUrl)(url, { orderId: 'O1', openid: 'U1' })).toBe(expected);
    });
    it('parses the spec example as URL and as query', () => {
        const url = 'https://mp.weixin.qq.com/?order_id=Z2y2rY4UxUZYitvVGA&openid=oAAAAAKe1ri5AAaAiB50-Ak6Vs1w';
        expect((0, protocol_1.parseCellJump)(url)).toStrictEqual({ ok: true, jump });
        expect((0, protocol_1.parseCellJump)('?order_id=Z2y2rY4UxUZYitvVGA&openid=oAAAAAKe1ri5AAaAiB50-Ak6Vs1w')).toStrictEqual({ ok: true, jump });
        expect((0, protocol_1.parseCellJump)({ order_id: 'Z2y2rY4UxUZYitvVGA', openid: 'oAAAAAKe1ri5AAaAiB50-Ak6Vs1w' })).toStrictEqual({ ok: true, jump });
    });
    it('round-trips nasty values through a URL with query and fragment', () => {
        const url = (0, protocol_1.buildCellJumpUrl)('https://s.example.com/p?order_id=merchant-own#frag?x=1', { orderId: NASTY, openid: NASTY });
        expect((0, protocol_1.parseCellJump)(url)).toStrictEqual({ ok: true, jump: { orderId: NASTY, openid: NASTY } });
    });
    it('reports missing parameters', () => {
        expect((0, protocol_1.parseCellJump)('https://mp.weixin.qq.com/')).toStrictEqual({ ok: false, error: 'missing_order_id' });
        expect((0, protocol_1.parseCellJump)('https://mp.weixin.qq.com')).toStrictEqual({ ok: false, error: 'missing_order_id' });
        expect((0, protocol_1.parseCellJump)('order_id=1&openid=')).toStrictEqual({ ok: false, error: 'missing_openid' });
        expect((0, protocol_1.parseCellJump)({ order_id: '1' })).toStrictEqual({ ok: false, error: 'missing_openid' });
    });
    it('rejects a non-http merchant url and empty values', () => {
        expect(() => (0, protocol_1.buildCellJumpUrl)('mp.weixin.qq.com', jump)).toThrow(RangeError);
        expect(() => (0, protocol_1.buildCellJumpUrl)('javascript:alert(1)', jump)).toThrow(RangeError);
        expect(() => (0, protocol_1.buildCellJumpUrl)('https://a.b', { orderId: '', openid: 'x' })).toThrow(RangeError);
    });
});
describe('card button jump (002 §14.1)', () => {
    it('matches the spec example, with no "/" added', () => {
        expect((0, protocol_1.buildCardJumpUrl)('http://www.qq.com', { encryptCode: 'ENCRYPT_CODE', cardId: 'CARDID', openid: 'xxxx', outerStr: 'xxxxx' })).toBe('http://www.qq.com?encrypt_code=ENCRYPT_CODE&card_id=CARDID&openid=xxxx&outer_str=xxxxx');
    });
    it('leaves outer_str out when not given, keeps query and fragment', () => {
        expect((0, protocol_1.buildCardJumpUrl)('https://m.example.com/card?src=wx#/home', { encryptCode: 'E', cardId: 'C', openid: 'O' })).toBe('https://m.example.com/card?src=wx&encrypt_code=E&card_id=C&openid=O#/home');
    });
    it('percent-encodes base64 encrypt_code', () => {
        expect((0, protocol_1.buildCardJumpUrl)('http://www.qq.com', { encryptCode: 'ab+/cd==', cardId: 'p1', openid: 'o' })).toBe('http://www.qq.com?encrypt_code=ab%2B%2Fcd%3D%3D&card_id=p1&openid=o');
    });
    it('parses the spec example', () => {
        expect((0, protocol_1.parseCardJump)('http://www.qq.com?encrypt_code=ENCRYPT_CODE&card_id=CARDID&openid=xxxx&outer_str=xxxxx')).toStrictEqual({
            ok: true,
            jump: { encryptCode: 'ENCRYPT_CODE', cardId: 'CARDID', openid: 'xxxx', outerStr: 'xxxxx' },
        });
    });
    it('keeps base64 "+" whether encoded or raw, in query strings and onShow options', () => {
        const expected = { ok: true, jump: { encryptCode: 'ab+/cd==', cardId: 'p1' } };
        expect((0, protocol_1.parseCardJump)('encrypt_code=ab%2B%2Fcd%3D%3D&card_id=p1')).toStrictEqual(expected);
        expect((0, protocol_1.parseCardJump)('encrypt_code=ab+/cd==&card_id=p1')).toStrictEqual(expected);
        expect((0, protocol_1.parseCardJump)({ encrypt_code: 'ab%2B%2Fcd%3D%3D', card_id: 'p1' })).toStrictEqual(expected);
        expect((0, protocol_1.parseCardJump)({ encrypt_code: 'ab+/cd==', card_id: 'p1', openid: undefined })).toStrictEqual(expected);
        // raw "+" next to escapes: still "+", never a space
        expect((0, protocol_1.parseCardJump)('encrypt_code=ab+%2Fcd%3D=&card_id=p1')).toStrictEqual(expected);
        expect((0, protocol_1.parseCardJump)({ encrypt_code: 'ab+%2Fcd=%3D', card_id: 'p1' })).toStrictEqual(expected);
    });
    it('decodes onShow values once, and leaves malformed escapes as they are', () => {
        expect((0, protocol_1.parseCardJump)({ encrypt_code: 'x%253D', card_id: 'c', outer_str: '50%off' })).toStrictEqual({
            ok: true,
            jump: { encryptCode: 'x%3D', cardId: 'c', outerStr: '50%off' },
        });
        expect((0, protocol_1.parseCardJump)({ encrypt_code: 'x', card_id: 'c', outer_str: '%E6%B8%A0%E9%81%93' })).toStrictEqual({
            ok: true,
            jump: { encryptCode: 'x', cardId: 'c', outerStr: '渠道' },
        });
    });
    it('round-trips nasty values', () => {
        const jump = { encryptCode: NASTY, cardId: NASTY, openid: NASTY, outerStr: NASTY };
        expect((0, protocol_1.parseCardJump)((0, protocol_1.buildCardJumpUrl)('https://a.example.com/x?y=1#z', jump))).toStrictEqual({ ok: true, jump });
    });
    it('reports missing parameters', () => {
        expect((0, protocol_1.parseCardJump)('http://www.qq.com')).toStrictEqual({ ok: false, error: 'missing_encrypt_code' });
        expect((0, protocol_1.parseCardJump)({})).toStrictEqual({ ok: false, error: 'missing_encrypt_code' });
        expect((0, protocol_1.parseCardJump)('encrypt_code=&card_id=C')).toStrictEqual({ ok: false, error: 'missing_encrypt_code' });
        expect((0, protocol_1.parseCardJump)({ encrypt_code: 'E' })).toStrictEqual({ ok: false, error: 'missing_card_id' });
        expect((0, protocol_1.parseCardJump)('/pages/card/index?encrypt_code=E')).toStrictEqual({ ok: false, error: 'missing_card_id' });
    });
});
describe('scan redirect (000 "Redirection URL Parameters")', () => {
    const example = 'http://p.url.cn/wxscandemo/yangbanjian/fangweilanding?91eddae46161ae26a3e6e928f3c07147=scan&wxkeystandard=qrcode&wxkeystr=cosmetics1&wxticket=azlsdGljdXo4Ymow&wxextinfo=123';
    it('parses the spec example', () => {
        expect((0, protocol_1.parseScanRedirect)(example)).toStrictEqual({
            ok: true,
            redirect: { keyStandard: 'qrcode', keyStr: 'cosmetics1', ticket: 'azlsdGljdXo4Ymow', extInfo: '123' },
        });
    });
    it('builds the spec example', () => {
        expect((0, protocol_1.buildScanRedirect)('http://p.url.cn/wxscandemo/yangbanjian/fangweilanding?91eddae46161ae26a3e6e928f3c07147=scan', {
            keyStandard: 'qrcode',
            keyStr: 'cosmetics1',
            ticket: 'azlsdGljdXo4Ymow',
            extInfo: '123',
        })).toBe(example);
    });
    it('treats an emptied or missing wxticket (shared link) as valid, ticket undefined', () => {
        const shared = { ok: true, redirect: { keyStandard: 'ean13', keyStr: '6901481811083', ticket: undefined } };
        expect((0, protocol_1.parseScanRedirect)('wxkeystandard=ean13&wxkeystr=6901481811083&wxticket=')).toStrictEqual(shared);
        expect((0, protocol_1.parseScanRedirect)('wxkeystandard=ean13&wxkeystr=6901481811083')).toStrictEqual(shared);
        expect((0, protocol_1.buildScanRedirect)('https://m.example.com/p', { keyStandard: 'ean13', keyStr: '6901481811083' })).toBe('https://m.example.com/p?wxkeystandard=ean13&wxkeystr=6901481811083&wxticket=');
    });
    it('accepts the doc table spelling "wxkeystand" as an alias', () => {
        expect((0, protocol_1.parseScanRedirect)('?wxkeystand=ean13&wxkeystr=1&wxticket=t')).toStrictEqual({
            ok: true,
            redirect: { keyStandard: 'ean13', keyStr: '1', ticket: 't' },
        });
        // the URL example's spelling wins when both are present
        expect((0, protocol_1.parseScanRedirect)('wxkeystand=a&wxkeystandard=b&wxkeystr=1')).toMatchObject({ ok: true, redirect: { keyStandard: 'b' } });
    });
    it('reads Mini Program options too', () => {
        expect((0, protocol_1.parseScanRedirect)({ wxkeystandard: 'qrcode', wxkeystr: 'cosmetics1', wxticket: 'azlsdGljdXo4Ymow' })).toStrictEqual({
            ok: true,
            redirect: { keyStandard: 'qrcode', keyStr: 'cosmetics1', ticket: 'azlsdGljdXo4Ymow' },
        });
    });
    it('round-trips nasty values', () => {
        const redirect = { keyStandard: NASTY, keyStr: NASTY, ticket: NASTY, extInfo: NASTY };
        expect((0, protocol_1.parseScanRedirect)((0, protocol_1.buildScanRedirect)('https://x.example.com/#/p', redirect))).toStrictEqual({ ok: true, redirect });
    });
    it('reports missing parameters', () => {
        expect((0, protocol_1.parseScanRedirect)('http://p.url.cn/x?wxkeystr=1')).toStrictEqual({ ok: false, error: 'missing_keystandard' });
        expect((0, protocol_1.parseScanRedirect)('wxkeystandard=qrcode&wxkeystr=')).toStrictEqual({ ok: false, error: 'missing_keystr' });
    });
});
describe('query helper', () => {
    it('parses without prototype pollution and lets the last duplicate win', () => {
        const p = (0, query_1.parseQuery)('__proto__=x&a=1&a=2&flag&=nameless');
        expect(Object.getPrototypeOf(p)).toBeNull();
        expect(Object.keys(p)).toStrictEqual(['__proto__', 'a', 'flag']);
        expect([p['__proto__'], p['a'], p['flag']]).toStrictEqual(['x', '2', '']);
    });
    it('keeps "=" inside unencoded values', () => {
        expect((0, query_1.readParams)('encrypt_code=ab==&c=d')['encrypt_code']).toBe('ab==');
    });
    it('ignores non-string option values', () => {
        expect({ ...(0, query_1.readParams)({ a: '1', b: undefined, c: 3 }) }).toStrictEqual({ a: '1' });
    });
    it('appends nothing when every value is undefined', () => {
        expect((0, query_1.appendQuery)('https://a.b/x#f', [['k', undefined]])).toBe('https://a.b/x#f');
    });
});
describe('package root', () => {
    it('re-exports money and protocol', () => {
        expect(typeof root.formatFen).toBe('function');
        expect(typeof root.buildShelfLink).toBe('function');
        expect(typeof root.parseScanRedirect).toBe('function');
    });
});
//# sourceMappingURL=protocol.test.js.map