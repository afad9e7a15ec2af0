import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import {
  CARD_ACK,
  CryptoError,
  type CryptoErrorReason,
  callbackSignature,
  decryptMessage,
  encryptMessage,
  encryptedReplyXml,
  MAX_DEPTH,
  msgSignature,
  openPush,
  openReply,
  parseEncodingAesKey,
  parseEncryptedEnvelope,
  parsePushXml,
  PLAIN_ACK,
  safeEqualHex,
  sealPush,
  sealReply,
  writeXml,
} from '../src/wechat/message';
import { XMLValidator } from 'fast-xml-parser';
import { SAMPLES } from './fixtures/event-samples';

/*
 * Published vectors of WeChat's WXBizMsgCrypt samples (Tencent), copied verbatim.
 *
 * MP: Official Account sample, Python `Sample.py` (jonyqin, 2014), as kept in
 *     charlesXu86/Chatbot_CN:Chatbot_Web/impl/weixin/Sample.py. A compatible-mode push: the envelope
 *     carries the plain fields beside `Encrypt`, so the expected plaintext is published with it.
 * WORK: WeCom/Official Account C# `Sample.cs` (token QDG6eK), as kept in
 *     JeffreySu/WeiXinMPSDK:src/Senparc.Weixin.MP/Senparc.Weixin.MP/Tencent/Sample.cs; its plaintext is
 *     published in WeCom's "加解密方案说明" (developer.work.weixin.qq.com/document/path/90968).
 * JAVA: Java sample test `WXBizMsgCryptTest` (testAesEncrypt, testAesEncrypt2: fixed random
 *     "aaaabbbbccccdddd"), as kept in Wyl015/wuyiling:work-test/src/main/resources/Utils/aes/WXBizMsgCryptTest.java.
 */
const MP = {
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  token: 'spamtest',
  appId: 'wx2c2769f8efd9abc2',
  timestamp: '1409735669',
  nonce: '1320562132',
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  body:
    '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>',
};

const WORK = {
  encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  token: 'QDG6eK',
  appId: 'wx5823bf96d3bd56c7',
  timestamp: '1409659813',
  nonce: '1372623149',
  msgSignature: '477715d11cdb4164915debcba66cb864d751f3e6',
  encrypt:
    'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
  plainFields: {
    ToUserName: 'wx5823bf96d3bd56c7',
    FromUserName: 'mycreate',
    CreateTime: '1409659813',
    MsgType: 'text',
    Content: 'hello',
    MsgId: '4561255354251345929',
    AgentID: '218',
  },
};

const JAVA = {
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wxb11529c136998cb6',
  random: 'aaaabbbbccccdddd',
  replyMsg: '我是中文abcd123',
  afterAesEncrypt: 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
  replyMsg2:
    '<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>',
  afterAesEncrypt2:
    'jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb',
};

/** Independent of aes.ts: raw AES-256-CBC decryption with Node, no padding removed. */
function rawDecrypt(key: Buffer, encrypt: string): Buffer {
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  d.setAutoPadding(false);
  return Buffer.concat([d.update(Buffer.from(encrypt, 'base64')), d.final()]);
}

/** Independent of aes.ts: raw AES-256-CBC encryption of bytes already padded by the caller. */
function rawEncrypt(key: Buffer, plain: Buffer): string {
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]).toString('base64');
}

function reasonOf(fn: () => unknown): CryptoErrorReason | 'no error' {
  try {
    fn();
  } catch (e) {
    if (e instanceof CryptoError) return e.reason;
    throw e;
  }
  return 'no error';
}

/** CBC malleability: flipping bit b of ciphertext byte i flips bit b of plaintext byte i + 16. */
function flip(encrypt: string, index: number, mask: number): string {
  const bytes = Buffer.from(encrypt, 'base64');
  bytes[index] = (bytes[index] ?? 0) ^ mask;
  return bytes.toString('base64');
}

describe('signatures', () => {
  it('GET verification: sha1 of the sorted token, timestamp, nonce (hand-computed)', () => {
    // sorted: "1372623149" < "1409659813" < "QDG6eK"; sha1("13726231491409659813QDG6eK") computed with sha1sum
    expect(callbackSignature('QDG6eK', '1409659813', '1372623149')).toBe('d2157f2f9079f4d6257b45edf665c43c62e60a0a');
    expect(createHash('sha1').update('13726231491409659813QDG6eK').digest('hex')).toBe(
      'd2157f2f9079f4d6257b45edf665c43c62e60a0a',
    );
    // order of the arguments does not matter, their values do
    expect(callbackSignature('1372623149', 'QDG6eK', '1409659813')).toBe('d2157f2f9079f4d6257b45edf665c43c62e60a0a');
    expect(callbackSignature('QDG6eK', '1409659814', '1372623149')).not.toBe('d2157f2f9079f4d6257b45edf665c43c62e60a0a');
  });

  it('msg_signature matches the published vectors', () => {
    const mp = parseEncryptedEnvelope(MP.body);
    if (!mp.ok) throw new Error(mp.reason);
    expect(msgSignature(MP.token, MP.timestamp, MP.nonce, mp.encrypt)).toBe(MP.msgSignature);
    expect(msgSignature(WORK.token, WORK.timestamp, WORK.nonce, WORK.encrypt)).toBe(WORK.msgSignature);
    expect(msgSignature(WORK.token, WORK.timestamp, WORK.nonce, flip(WORK.encrypt, 0, 1))).not.toBe(WORK.msgSignature);
  });

  it('safeEqualHex compares exactly, and answers false for different lengths or non-strings', () => {
    expect(safeEqualHex(WORK.msgSignature, `${WORK.msgSignature}`)).toBe(true);
    expect(safeEqualHex(WORK.msgSignature, WORK.msgSignature.replace(/^4/, '5'))).toBe(false);
    expect(safeEqualHex(WORK.msgSignature, WORK.msgSignature.slice(0, 39))).toBe(false);
    expect(safeEqualHex(WORK.msgSignature, `${WORK.msgSignature}0`)).toBe(false);
    expect(safeEqualHex('', '')).toBe(false);
    expect(safeEqualHex(['a'] as unknown as string, 'a')).toBe(false);
  });
});

describe('AES (WXBizMsgCrypt safe mode)', () => {
  const mpKey = parseEncodingAesKey(MP.encodingAesKey);
  const workKey = parseEncodingAesKey(WORK.encodingAesKey);
  const mpEnvelope = parseEncryptedEnvelope(MP.body);
  if (!mpEnvelope.ok) throw new Error(mpEnvelope.reason);
  const mpEncrypt = mpEnvelope.encrypt;

  it('parses the 43-character EncodingAESKey into 32 bytes, and refuses others', () => {
    expect(mpKey).toHaveLength(32);
    expect(workKey).toHaveLength(32);
    expect(mpKey.subarray(0, 3).toString('hex')).toBe('69b71d'); // base64 "abcd" -> 69 b7 1d
    for (const bad of ['', 'abc', `${MP.encodingAesKey}A`, MP.encodingAesKey.slice(1), `${MP.encodingAesKey.slice(0, 42)}=`, `${MP.encodingAesKey.slice(0, 42)}-`]) {
      expect(reasonOf(() => parseEncodingAesKey(bad))).toBe('bad_key');
    }
  });

  it('decrypts the Official Account sample to the plain fields published beside it', () => {
    const plain = decryptMessage(mpKey, mpEncrypt, MP.appId);
    const decrypted = parsePushXml(plain);
    if (!decrypted.ok) throw new Error(decrypted.reason);
    const { Encrypt: _encrypt, ...published } = mpEnvelope.fields;
    expect({ ...decrypted.fields }).toEqual(published);
    expect(published.Content).toBe('abcdteT');
    expect(published.MsgId).toBe('6054768590064713728');
  });

  it('decrypts the QDG6eK sample to the plaintext published in WeCom document 90968', () => {
    const plain = decryptMessage(workKey, WORK.encrypt, WORK.appId);
    const decrypted = parsePushXml(plain);
    if (!decrypted.ok) throw new Error(decrypted.reason);
    expect({ ...decrypted.fields }).toEqual(WORK.plainFields);
    // the receiveid trailer, read independently of aes.ts
    const raw = rawDecrypt(workKey, WORK.encrypt);
    const pad = raw[raw.length - 1] ?? 0;
    expect(raw.subarray(raw.length - pad - WORK.appId.length, raw.length - pad).toString()).toBe(WORK.appId);
  });

  it('encrypts exactly as the Java sample does with its fixed random (Chinese text)', () => {
    const key = parseEncodingAesKey(JAVA.encodingAesKey);
    const random = Buffer.from(JAVA.random, 'utf8');
    expect(encryptMessage(key, JAVA.replyMsg, JAVA.appId, random)).toBe(JAVA.afterAesEncrypt);
    expect(encryptMessage(key, JAVA.replyMsg2, JAVA.appId, random)).toBe(JAVA.afterAesEncrypt2);
    expect(decryptMessage(key, JAVA.afterAesEncrypt, JAVA.appId)).toBe(JAVA.replyMsg);
    expect(decryptMessage(key, JAVA.afterAesEncrypt2, JAVA.appId)).toBe(JAVA.replyMsg2);
  });

  it('decrypts push after push with one key, whatever the one before was (the kept decipher holds no state)', () => {
    const key = parseEncodingAesKey(JAVA.encodingAesKey);
    const texts = ['a', 'b'.repeat(100), '礼品卡', 'c'.repeat(33)];
    const sealed = texts.map((t) => encryptMessage(key, t, JAVA.appId));
    for (let round = 0; round < 3; round++) {
      sealed.forEach((encrypt, i) => {
        expect(decryptMessage(key, encrypt, JAVA.appId)).toBe(texts[i]);
        // A ciphertext that fails (its last block changed) between two that succeed.
        const broken = Buffer.from(encrypt, 'base64');
        broken[broken.length - 1]! ^= 0xff;
        expect(() => decryptMessage(key, broken.toString('base64'), JAVA.appId)).toThrow(CryptoError);
      });
    }
    expect(decryptMessage(key, JAVA.afterAesEncrypt, JAVA.appId)).toBe(JAVA.replyMsg);
  });

  it('writes the message length in UTF-8 bytes, pads to 32, and round-trips Chinese text', () => {
    const message = '<xml><Content><![CDATA[礼品卡已送达 🎁]]></Content></xml>';
    const random = Buffer.alloc(16, 7);
    const encrypt = encryptMessage(workKey, message, WORK.appId, random);
    const raw = rawDecrypt(workKey, encrypt);
    expect(raw.length % 32).toBe(0);
    expect(raw.subarray(0, 16).equals(random)).toBe(true);
    const lengthBytes = raw.subarray(16, 20);
    expect(lengthBytes.readUInt32BE(0)).toBe(Buffer.byteLength(message, 'utf8'));
    expect(Buffer.byteLength(message, 'utf8')).not.toBe(message.length); // the test means something
    expect([...lengthBytes]).toEqual([0, 0, 0, Buffer.byteLength(message, 'utf8')]);
    expect(decryptMessage(workKey, encrypt, WORK.appId)).toBe(message);
    // a fresh random each time without random16
    expect(encryptMessage(workKey, message, WORK.appId)).not.toBe(encryptMessage(workKey, message, WORK.appId));
  });

  it('pads a block-aligned plaintext with a whole block of 32', () => {
    // 16 + 4 + 12 + 0 = 32 bytes of content -> 32 bytes of padding
    const encrypt = encryptMessage(workKey, 'x'.repeat(12), '', Buffer.alloc(16));
    const raw = rawDecrypt(workKey, encrypt);
    expect(raw).toHaveLength(64);
    expect([...raw.subarray(32)].every((b) => b === 32)).toBe(true);
    expect(decryptMessage(workKey, encrypt, '')).toBe('x'.repeat(12));
  });

  it('refuses a wrong AppId: appid_mismatch', () => {
    expect(reasonOf(() => decryptMessage(workKey, WORK.encrypt, 'wx5823bf96d3bd56c8'))).toBe('appid_mismatch');
    expect(reasonOf(() => decryptMessage(workKey, WORK.encrypt, 'wx5823bf96d3bd56c'))).toBe('appid_mismatch');
    expect(reasonOf(() => decryptMessage(workKey, WORK.encrypt, ''))).toBe('appid_mismatch');
    expect(reasonOf(() => decryptMessage(mpKey, mpEncrypt, WORK.appId))).toBe('appid_mismatch');
  });

  it('refuses tampered padding: bad_padding', () => {
    const raw = rawDecrypt(mpKey, mpEncrypt);
    const pad = raw[raw.length - 1] ?? 0;
    expect(pad).toBe(2); // the MP vector ends with "02 02"
    const lastOfPrevBlock = Buffer.from(mpEncrypt, 'base64').length - 17;
    expect(reasonOf(() => decryptMessage(mpKey, flip(mpEncrypt, lastOfPrevBlock, 2 ^ 33), MP.appId))).toBe('bad_padding'); // 33 > 32
    expect(reasonOf(() => decryptMessage(mpKey, flip(mpEncrypt, lastOfPrevBlock, 2 ^ 0), MP.appId))).toBe('bad_padding'); // 0
    expect(reasonOf(() => decryptMessage(mpKey, flip(mpEncrypt, lastOfPrevBlock, 2 ^ 3), MP.appId))).toBe('bad_padding'); // 3 over "c 02 03"
    expect(reasonOf(() => decryptMessage(mpKey, flip(mpEncrypt, lastOfPrevBlock - 1, 1), MP.appId))).toBe('bad_padding'); // "03 02"
  });

  it('refuses a consistent pad longer than 32 (PKCS#7 to 32 allows 1..32 only)', () => {
    const body = Buffer.concat([Buffer.alloc(16), Buffer.from([0, 0, 0, 1]), Buffer.from('A'), Buffer.from(WORK.appId)]);
    const fill = (n: number): Buffer => Buffer.alloc(n, n);
    const aligned = (pad: number): Buffer => Buffer.concat([body, fill(pad)]);
    // body is 39 bytes: 25 bytes of 25 reach 64 (valid); 41 bytes of 41 reach 80 (16-aligned, but over 32)
    expect(decryptMessage(workKey, rawEncrypt(workKey, aligned(25)), WORK.appId)).toBe('A');
    expect(reasonOf(() => decryptMessage(workKey, rawEncrypt(workKey, aligned(41)), WORK.appId))).toBe('bad_padding');
    expect(reasonOf(() => decryptMessage(workKey, rawEncrypt(workKey, aligned(9)), WORK.appId))).toBe('no error'); // 48: 16-aligned, pad 9 is fine
  });

  it('refuses a msg_len that runs past the end: bad_length', () => {
    // byte 0 of block 0 maps onto plaintext byte 16, the high byte of msg_len (block 0 is the random part)
    expect(reasonOf(() => decryptMessage(mpKey, flip(mpEncrypt, 0, 0x80), MP.appId))).toBe('bad_length');
    // msg_len one byte longer than the message: the AppId trailer then no longer matches
    // low bit of msg_len flipped: the message boundary moves by one byte, so the AppId trailer no longer matches
    expect(reasonOf(() => decryptMessage(mpKey, flip(mpEncrypt, 3, 0x01), MP.appId))).toBe('appid_mismatch');
  });

  it('refuses truncated or non-block ciphertext: bad_block; broken base64: bad_base64', () => {
    const bytes = Buffer.from(WORK.encrypt, 'base64');
    expect(reasonOf(() => decryptMessage(workKey, bytes.subarray(0, bytes.length - 5).toString('base64'), WORK.appId))).toBe('bad_block');
    expect(reasonOf(() => decryptMessage(workKey, bytes.subarray(0, 15).toString('base64'), WORK.appId))).toBe('bad_block');
    expect(reasonOf(() => decryptMessage(workKey, WORK.encrypt.slice(0, -3), WORK.appId))).toBe('bad_base64');
    expect(reasonOf(() => decryptMessage(workKey, '', WORK.appId))).toBe('bad_base64');
    expect(reasonOf(() => decryptMessage(workKey, WORK.encrypt.replace('+', '-'), WORK.appId))).toBe('bad_base64');
    expect(reasonOf(() => decryptMessage(workKey, `${WORK.encrypt.slice(0, 40)} ${WORK.encrypt.slice(41)}`, WORK.appId))).toBe('bad_base64');
  });

  it('refuses a wrong key and a 16-byte-aligned but too short plaintext', () => {
    expect(reasonOf(() => decryptMessage(Buffer.alloc(16), WORK.encrypt, WORK.appId))).toBe('bad_key');
    // wrong key: garbage padding (or, rarely, garbage length/appid), never a success
    expect(reasonOf(() => decryptMessage(mpKey, WORK.encrypt, WORK.appId))).not.toBe('no error');
    // a single block whose plaintext ends in a valid pad byte (01): 15 bytes, too short for random + length
    const random = Buffer.concat([Buffer.alloc(15), Buffer.from([1])]);
    const firstBlockOnly = Buffer.from(encryptMessage(workKey, '', '', random), 'base64').subarray(0, 16).toString('base64');
    expect(reasonOf(() => decryptMessage(workKey, firstBlockOnly, ''))).toBe('bad_length');
  });

  it('refuses a message that is not UTF-8: bad_utf8', () => {
    // build with the real encoder, then turn the message byte "A" into 0xFF via CBC bit flipping
    const encrypt = encryptMessage(workKey, 'A', WORK.appId, Buffer.alloc(16));
    expect(reasonOf(() => decryptMessage(workKey, flip(encrypt, 4, 0x41 ^ 0xff), WORK.appId))).toBe('bad_utf8');
  });
});

describe('push XML', () => {
  // spec 002 §10.1, as printed (blank lines between elements)
  const giftcardPayDone = `<xml>

<ToUserName><![CDATA[gh_3fcea188bf78]]></ToUserName>

<FromUserName><![CDATA[obLatjgoYejavUtHsWwrX-2GtFJE]]></FromUserName>

<CreateTime>1472631550</CreateTime>

<MsgType><![CDATA[event]]></MsgType>

<Event><![CDATA[giftcard_pay_done]]></Event>

<PageId><![CDATA[OQK0R3MaFnCm74Phw5hwFJlz5sn+jy1zzM2amDidDbU=]]></PageId>

<OrderId><![CDATA[Z2y2rY74ksZX1ceuGA]]></OrderId>

</xml>`;

  // spec 000, "Example of pushing XML"
  const scanProductCallback = `<xml>
<ToUserName><![CDATA[gh_fbe8a958756e]]></ToUserName>
<FromUserName><![CDATA[otAzGjrJVN21mpDF4ZWQiYZwdK0Y]]></FromUserName>
<CreateTime>1447848568</CreateTime>
<MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[scan_product_callback]]></Event>
<KeyStandard><![CDATA[qrcode]]></KeyStandard>
<KeyStr><![CDATA[weixin_antifake]]></KeyStr>
<ExtInfo><![CDATA[hyhy]]></ExtInfo>
<NeedAntiFake>true</NeedAntiFake>
</xml>`;

  const fieldsOf = (body: string): Record<string, string> => {
    const r = parsePushXml(body);
    if (!r.ok) throw new Error(`refused: ${r.reason}`);
    return r.fields;
  };
  const reasonOfXml = (body: string): string => {
    const r = parsePushXml(body);
    if (r.ok) return 'accepted';
    expect(r.status).toBe(400);
    return r.reason;
  };

  it('parses giftcard_pay_done (spec 002 §10.1) into flat string fields', () => {
    const fields = fieldsOf(giftcardPayDone);
    expect({ ...fields }).toEqual(SAMPLES.giftcard_pay_done);
    // Own string properties only, on an untouched Object.prototype (names that could reach a prototype are refused).
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.values(fields).every((v) => typeof v === 'string')).toBe(true);
  });

  it('parses scan_product_callback (spec 000) with its bare boolean as a string', () => {
    const fields = fieldsOf(scanProductCallback);
    expect(fields.Event).toBe('scan_product_callback');
    expect(fields.KeyStandard).toBe('qrcode');
    expect(fields.KeyStr).toBe('weixin_antifake');
    expect(fields.ExtInfo).toBe('hyhy');
    expect(fields.NeedAntiFake).toBe('true');
    expect(fields.CreateTime).toBe('1447848568');
  });

  it('keeps CDATA exactly (00123 stays a string), trims formatting around it, empty CDATA is ""', () => {
    const fields = fieldsOf(
      '<xml><Code><![CDATA[00123]]></Code><Padded> <![CDATA[ a b ]]> </Padded><Num>00123</Num><Empty><![CDATA[]]></Empty><Self/></xml>',
    );
    expect(fields.Code).toBe('00123');
    expect(typeof fields.Code).toBe('string');
    expect(fields.Padded).toBe(' a b ');
    expect(fields.Num).toBe('00123');
    expect(fields.Empty).toBe('');
    expect(fields.Self).toBe('');
    // spec 002 §10.4 writes spaces around the CDATA
    const getCard = fieldsOf('<xml> <Event> <![CDATA[user_get_card]]> </Event> <IsGiveByFriend>0</IsGiveByFriend> <FriendUserName> <![CDATA[]]> </FriendUserName></xml>');
    expect({ ...getCard }).toEqual({ Event: 'user_get_card', IsGiveByFriend: '0', FriendUserName: '' });
  });

  it('decodes the five XML escapes and character references, refuses undeclared entities', () => {
    expect(fieldsOf('<xml><A>a &amp; b &lt;c&gt; &quot;&apos; &#x4F60;&#22909;</A></xml>').A).toBe('a & b <c> "\' 你好');
    expect(reasonOfXml('<xml><A>&foo;</A></xml>')).toBe('bad_entity');
    expect(reasonOfXml('<xml><A>&#0;</A></xml>')).toBe('bad_entity');
    expect(reasonOfXml('<xml><A>&__proto__;</A></xml>')).toBe('bad_entity');
  });

  it('flattens nested blocks with "/" and indexes repeated siblings', () => {
    const fields = fieldsOf(
      '<xml><Event><![CDATA[pic_sysphoto]]></Event><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum><![CDATA[aa]]></PicMd5Sum></item><item><PicMd5Sum><![CDATA[bb]]></PicMd5Sum></item></PicList></SendPicsInfo><ScanCodeInfo><ScanType>qrcode</ScanType></ScanCodeInfo></xml>',
    );
    expect({ ...fields }).toEqual({
      Event: 'pic_sysphoto',
      'SendPicsInfo/Count': '2',
      'SendPicsInfo/PicList/item[1]/PicMd5Sum': 'aa',
      'SendPicsInfo/PicList/item[2]/PicMd5Sum': 'bb',
      'ScanCodeInfo/ScanType': 'qrcode',
    });
  });

  it('refuses DOCTYPE, ENTITY and billion laughs before parsing', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><xml><A>&lol2;</A></xml>';
    expect(reasonOfXml(laughs)).toBe('dtd_forbidden');
    expect(reasonOfXml('<!doctype xml><xml><A>1</A></xml>')).toBe('dtd_forbidden');
    expect(reasonOfXml('<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><A>&xxe;</A></xml>')).toBe('dtd_forbidden');
    expect(reasonOfXml('<xml><A><![CDATA[<!EnTiTy x "y">]]></A></xml>')).toBe('dtd_forbidden');
  });

  it('refuses nesting deeper than MAX_DEPTH levels below <xml>, without blowing the stack', () => {
    const nest = (levels: number): string => `<xml>${'<a>'.repeat(levels - 1)}<b>1</b>${'</a>'.repeat(levels - 1)}</xml>`;
    expect(MAX_DEPTH).toBe(4);
    expect(fieldsOf(nest(4))['a/a/a/b']).toBe('1');
    expect(reasonOfXml(nest(5))).toBe('too_deep');
    expect(reasonOfXml(nest(5000))).toBe('too_deep');
    expect(reasonOfXml(`<xml>${'<a>'.repeat(4)}<b/>${'</a>'.repeat(4)}</xml>`)).toBe('too_deep');
  });

  it('refuses __proto__, constructor and prototype tags and pollutes nothing', () => {
    expect(reasonOfXml('<xml><__proto__><polluted>yes</polluted></__proto__></xml>')).toBe('forbidden_name');
    expect(reasonOfXml('<xml><A>1</A><constructor><prototype><polluted>yes</polluted></prototype></constructor></xml>')).toBe('forbidden_name');
    expect(reasonOfXml('<xml><Outer><prototype>1</prototype></Outer></xml>')).toBe('forbidden_name');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses elements named after the Object.prototype members fast-xml-parser would rename', () => {
    // The parser would store `<toString>` as `__toString`: a field is never kept under another name.
    for (const name of ['toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', '__lookupSetter__']) {
      expect(reasonOfXml(`<xml><FromUserName>o</FromUserName><${name}>x</${name}></xml>`)).toBe('forbidden_name');
      expect(reasonOfXml(`<xml><Outer><${name}>x</${name}></Outer></xml>`)).toBe('forbidden_name');
    }
    expect(fieldsOf('<xml><ToStringValue>x</ToStringValue></xml>').ToStringValue).toBe('x');
  });

  it('refuses truncated, non-XML, wrong-root, multi-root, mixed and duplicated bodies', () => {
    expect(reasonOfXml(giftcardPayDone.slice(0, giftcardPayDone.length / 2))).toBe('malformed');
    expect(reasonOfXml(giftcardPayDone.replace('</xml>', ''))).toBe('malformed');
    expect(reasonOfXml('hello')).toBe('malformed');
    expect(reasonOfXml('{"ToUserName":"gh_1"}')).toBe('malformed');
    expect(reasonOfXml('')).toBe('empty');
    expect(reasonOfXml('  \n')).toBe('empty');
    expect(reasonOfXml(undefined as unknown as string)).toBe('empty');
    expect(reasonOfXml('<root><A>1</A></root>')).toBe('bad_root');
    expect(reasonOfXml('<xml><A>1</A></xml><xml><A>2</A></xml>')).toBe('bad_root');
    expect(reasonOfXml('<xml><A>1</A></xml><xml/>')).toBe('bad_root');
    expect(reasonOfXml('<xml/>')).toBe('accepted');
    expect(reasonOfXml('<xml>ok</xml>')).toBe('mixed_content');
    expect(reasonOfXml('<xml><A>1<B>2</B></A></xml>')).toBe('mixed_content');
    expect(reasonOfXml('<xml><Event>a</Event><Event>b</Event></xml>')).toBe('duplicate_field');
  });

  it.each([
    ['a mismatched close tag', '<xml><A>1</B></xml>'],
    ['a close tag longer than its start tag', '<xml><A>1</Ab></xml>'],
    ['a stray close tag', '<xml><A>1</A></B></xml>'],
    ['a second root close tag', '<xml><A>1</A></xml></xml>'],
    ['an unclosed root', '<xml><A>1</A>'],
    ['an unterminated CDATA', '<xml><A><![CDATA[1</A></xml>'],
    ['an unterminated comment', '<xml><!-- open <A>1</A></xml>'],
    ['an unterminated declaration', '<?xml version="1.0"<xml/>'],
    ['text after the root', '<xml><A>1</A></xml>trailing'],
    ['text before the root', 'leading<xml><A>1</A></xml>'],
    ['CDATA outside the root', '<![CDATA[x]]><xml/>'],
    ['a name starting with a digit', '<xml><1A>1</1A></xml>'],
    ['a tag opened inside a name', '<xml><A<B>1</A></xml>'],
    ['a tag opened inside a tag', '<xml><A x="1"<B/></A></xml>'],
    ['an empty name', '<xml><>1</></xml>'],
  ])('refuses what is not well-formed: %s', (_what, body) => {
    expect(reasonOfXml(body)).toBe('malformed');
  });

  it('accepts blanks before the end of a tag name', () => {
    expect(reasonOfXml('<xml><A >1</A ></xml>')).toBe('accepted');
  });

  it('refuses every mutated body that fast-xml-parser\'s XMLValidator refuses (the scan stands in for it)', () => {
    // Deterministic mutations of the spec's pushes: every truncation, every single-character deletion, and
    // markup characters inserted at every position. Where the validator says "not XML", so must we.
    const bodies = Object.values(SAMPLES).map((fields) => writeXml(fields as Record<string, string>));
    let refusedByValidator = 0;
    for (const body of bodies) {
      const mutants: string[] = [];
      for (let i = 0; i < body.length; i++) {
        mutants.push(body.slice(0, i), body.slice(0, i) + body.slice(i + 1));
        for (const insert of ['<', '>', '/', '</A>', '<A>', '"', '&']) mutants.push(body.slice(0, i) + insert + body.slice(i));
      }
      for (const mutant of mutants) {
        if (XMLValidator.validate(mutant) === true) continue;
        refusedByValidator++;
        const verdict = parsePushXml(mutant);
        if (verdict.ok) throw new Error(`accepted what XMLValidator refuses: ${mutant}`);
      }
    }
    expect(refusedByValidator).toBeGreaterThan(10_000);
  });

  it('refuses a body for its structure first, whatever it found in the content before', () => {
    expect(reasonOfXml('<xml><A>1</A><A>2</A><B></C></xml>')).toBe('malformed');
    expect(reasonOfXml('<xml>ok<__proto__/></xml>')).toBe('forbidden_name');
    expect(reasonOfXml('<xml><A>&foo;</A><B>')).toBe('malformed');
  });

  it('trims each run of text on its own: a comment or CDATA ends a run', () => {
    expect(fieldsOf('<xml><A> a <!-- c --> b </A><B> x <![CDATA[ y ]]> z </B></xml>')).toEqual({ A: 'ab', B: 'x y z' });
    expect(reasonOfXml('<xml><A>&<!-- c -->amp;</A></xml>')).toBe('bad_entity');
  });

  it('accepts a declaration, comments and attributes (ignored)', () => {
    const fields = fieldsOf('<?xml version="1.0" encoding="utf-8"?>\n<!-- push --><xml><A x="1>2">v</A></xml>\n');
    expect({ ...fields }).toEqual({ A: 'v' });
  });
});

describe('safe-mode envelope', () => {
  it('returns the Encrypt text of <xml><ToUserName/><Encrypt/></xml>', () => {
    const r = parseEncryptedEnvelope(
      `<xml><ToUserName><![CDATA[${WORK.appId}]]></ToUserName><Encrypt><![CDATA[${WORK.encrypt}]]></Encrypt></xml>`,
    );
    if (!r.ok) throw new Error(r.reason);
    expect(r.encrypt).toBe(WORK.encrypt);
    expect(r.fields.ToUserName).toBe(WORK.appId);
  });

  it('refuses an envelope without Encrypt, or a malformed one', () => {
    expect(parseEncryptedEnvelope('<xml><ToUserName>gh</ToUserName></xml>')).toEqual({ ok: false, status: 400, reason: 'missing_encrypt' });
    expect(parseEncryptedEnvelope('<xml><Encrypt><![CDATA[]]></Encrypt></xml>')).toEqual({ ok: false, status: 400, reason: 'missing_encrypt' });
    expect(parseEncryptedEnvelope('<xml><Encrypt>abc')).toEqual({ ok: false, status: 400, reason: 'malformed' });
  });
});

describe('reply XML', () => {
  it('builds the scanproduct reply of spec 000 and it parses back', () => {
    const xml = writeXml({
      ToUserName: 'otAzGjrJVN21mpDF4ZWQiYZwdK0Y',
      FromUserName: 'gh_fbe8a958756e',
      CreateTime: 1447848568,
      MsgType: 'scanproduct',
      ScanProduct: { KeyStandard: 'qrcode', KeyStr: 'weixin_antifake', ExtInfo: 'hyhy', AntiFake: { CodeResult: 'real' } },
    });
    expect(xml).toBe(
      '<xml><ToUserName><![CDATA[otAzGjrJVN21mpDF4ZWQiYZwdK0Y]]></ToUserName><FromUserName><![CDATA[gh_fbe8a958756e]]></FromUserName>' +
        '<CreateTime>1447848568</CreateTime><MsgType><![CDATA[scanproduct]]></MsgType><ScanProduct><KeyStandard><![CDATA[qrcode]]></KeyStandard>' +
        '<KeyStr><![CDATA[weixin_antifake]]></KeyStr><ExtInfo><![CDATA[hyhy]]></ExtInfo><AntiFake><CodeResult><![CDATA[real]]></CodeResult></AntiFake></ScanProduct></xml>',
    );
    const r = parsePushXml(xml);
    if (!r.ok) throw new Error(r.reason);
    expect(r.fields['ScanProduct/AntiFake/CodeResult']).toBe('real');
    expect(r.fields.CreateTime).toBe('1447848568');
  });

  it('splits CDATA around "]]>" so any text round-trips exactly', () => {
    const tricky = 'a]]>b]]]]>c <xml>&amp; 中文 ]]';
    const xml = writeXml({ Content: tricky, Code: '00123' });
    expect(xml).toContain('<![CDATA[a]]]]><![CDATA[>b');
    const r = parsePushXml(xml);
    if (!r.ok) throw new Error(r.reason);
    expect(r.fields.Content).toBe(tricky);
    expect(r.fields.Code).toBe('00123');
  });

  it('refuses names and values XML cannot carry', () => {
    expect(() => writeXml({ 'bad name': 'x' })).toThrow(TypeError);
    expect(() => writeXml({ __proto__x: 'x', constructor: 'x' })).toThrow(TypeError);
    expect(() => writeXml({ A: 1.5 })).toThrow(TypeError);
    expect(() => writeXml({ A: 'bell \u0007' })).toThrow(TypeError);
  });

  it('writes the encrypted reply shape, which parses back', () => {
    const key = parseEncodingAesKey(WORK.encodingAesKey);
    const encrypt = encryptMessage(key, '<xml><A>1</A></xml>', WORK.appId, Buffer.alloc(16, 1));
    const signature = msgSignature(WORK.token, '1409659813', 'nonce1', encrypt);
    const xml = encryptedReplyXml({ encrypt, msgSignature: signature, timestamp: 1409659813, nonce: 'nonce1' });
    expect(xml).toBe(
      `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt><MsgSignature><![CDATA[${signature}]]></MsgSignature><TimeStamp>1409659813</TimeStamp><Nonce><![CDATA[nonce1]]></Nonce></xml>`,
    );
    const r = parsePushXml(xml);
    if (!r.ok) throw new Error(r.reason);
    expect(r.fields.TimeStamp).toBe('1409659813');
    expect(msgSignature(WORK.token, r.fields.TimeStamp ?? '', r.fields.Nonce ?? '', r.fields.Encrypt ?? '')).toBe(r.fields.MsgSignature);
    expect(decryptMessage(key, r.fields.Encrypt ?? '', WORK.appId)).toBe('<xml><A>1</A></xml>');
    expect(() => encryptedReplyXml({ encrypt, msgSignature: signature, timestamp: '1<x>', nonce: 'n' })).toThrow(TypeError);
  });
});

describe('a push sealed by one end and opened by the other', () => {
  const key = parseEncodingAesKey(WORK.encodingAesKey);
  const plain = { token: WORK.token };
  const safe = { token: WORK.token, aes: { key, appid: WORK.appId } };
  const xml = writeXml({ ToUserName: 'gh_x', FromUserName: 'o_1', CreateTime: 1409659813, MsgType: 'event', Event: 'user_get_card', IsGiveByFriend: 0 });
  const at = { timestamp: '1409659813', nonce: 'n1', toUserName: 'gh_x' };
  const query = (q: URLSearchParams) => Object.fromEntries(q);

  it('plain: the XML as is, signed sha1(sort(token, timestamp, nonce))', () => {
    const sealed = sealPush(xml, plain, at);
    expect(sealed.body).toBe(xml);
    expect(query(sealed.query)).toEqual({ signature: callbackSignature(WORK.token, at.timestamp, at.nonce), timestamp: at.timestamp, nonce: at.nonce });
    const opened = openPush(query(sealed.query), sealed.body, plain);
    expect(opened).toMatchObject({ ok: true, encrypted: false, fields: { Event: 'user_get_card', CreateTime: '1409659813' } });
  });

  it('safe: the envelope addressed to ToUserName, msg_signature over the Encrypt text', () => {
    const sealed = sealPush(xml, safe, at);
    const envelope = parseEncryptedEnvelope(sealed.body);
    if (!envelope.ok) throw new Error(envelope.reason);
    expect(Object.keys(envelope.fields)).toEqual(['ToUserName', 'Encrypt']);
    expect(envelope.fields.ToUserName).toBe('gh_x');
    expect(sealed.query.get('encrypt_type')).toBe('aes');
    expect(sealed.query.get('msg_signature')).toBe(msgSignature(WORK.token, at.timestamp, at.nonce, envelope.encrypt));
    expect(decryptMessage(key, envelope.encrypt, WORK.appId)).toBe(xml);
    const opened = openPush(query(sealed.query), sealed.body, safe);
    expect(opened).toMatchObject({ ok: true, encrypted: true, fields: { Event: 'user_get_card' } });
  });

  it('opening refuses a push sealed with another token, and a plain push once safe mode is set', () => {
    expect(openPush(query(sealPush(xml, { token: 'other' }, at).query), xml, plain)).toMatchObject({ ok: false, status: 401 });
    expect(openPush(query(sealPush(xml, plain, at).query), xml, safe)).toMatchObject({ ok: false, status: 401 });
  });
});

describe('a reply sealed by the callback and opened by WeChat\'s side', () => {
  const key = parseEncodingAesKey(WORK.encodingAesKey);
  const safe = { token: WORK.token, aes: { key, appid: WORK.appId } };

  it('round-trips an encrypted <xml>ok</xml>, checking MsgSignature', () => {
    const sealed = sealReply(CARD_ACK, safe, 1409659813);
    expect(openReply(sealed, safe)).toEqual({ ok: true, text: CARD_ACK, encrypted: true });
    const forged = sealed.replace(/<MsgSignature><!\[CDATA\[[0-9a-f]+\]\]>/, `<MsgSignature><![CDATA[${'f'.repeat(40)}]]>`);
    expect(openReply(forged, safe)).toEqual({ ok: false, error: 'encrypted reply: MsgSignature does not match' });
    const foreign = sealReply(CARD_ACK, { ...safe, aes: { key, appid: 'wx_someone_else' } }, 1409659813);
    expect(openReply(foreign, safe)).toEqual({ ok: false, error: 'encrypted reply does not decrypt: appid_mismatch' });
  });

  it('sends `success` as is, and reads a plain reply as it came', () => {
    expect(sealReply(PLAIN_ACK, safe, 1)).toBe(PLAIN_ACK);
    expect(sealReply(CARD_ACK, { token: WORK.token }, 1)).toBe(CARD_ACK);
    expect(openReply('success', safe)).toEqual({ ok: true, text: 'success', encrypted: false });
    expect(openReply('', { token: WORK.token })).toEqual({ ok: true, text: '', encrypted: false });
  });
});

describe('writing a push', () => {
  it('writes flags bare and refuses what XML cannot carry', () => {
    expect(writeXml({ IsChatRoom: true, Count: 2 })).toBe('<xml><IsChatRoom>true</IsChatRoom><Count>2</Count></xml>');
    expect(() => writeXml({ A: undefined })).toThrow('field A cannot be written as XML');
    expect(() => writeXml({ A: ['x'] })).toThrow(TypeError);
    expect(() => writeXml({ toString: 'x' })).toThrow(TypeError);
  });
});
