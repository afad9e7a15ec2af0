/**
 * Writing the XML of WeChat's messages: a push as WeChat sends it (the sandbox, the bench, the tests), a
 * passive reply (the callback), and the safe-mode envelopes. Reading is xml-read.ts.
 *
 * One shape for all of them, as WeChat's samples show: `<xml>…</xml>`, strings in CDATA, integers and flags
 * bare (`<CreateTime>1447848568</CreateTime>`, `<IsChatRoom>true</IsChatRoom>`, 002 §10.2), nested objects as
 * nested elements (the scanproduct reply's `ScanProduct/AntiFake/CodeResult`, spec 000), in insertion order.
 */
import { FORBIDDEN_NAMES } from './xml-names';

const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Characters XML 1.0 allows; anything else cannot be carried, even in CDATA. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** CDATA section; "]]>" inside the text is split across two sections, the only way to carry it. */
export function cdata(text: string): string {
  if (NOT_XML_CHAR.test(text)) throw new TypeError('message text holds a character XML cannot carry');
  return `<![CDATA[${text.includes(']]>') ? text.split(']]>').join(']]]]><![CDATA[>') : text}]]>`;
}

/**
 * A message `<xml>…</xml>` from its fields: a string, a safe integer, a boolean or a nested object each
 * (an event of the table, a reply, an envelope). Anything else throws a TypeError naming the field:
 * a message that cannot be written is a bug of its writer, never sent half-written.
 */
export function writeXml(fields: object): string {
  return element('xml', fields);
}

function element(name: string, value: unknown): string {
  if (!ELEMENT_NAME.test(name) || FORBIDDEN_NAMES.has(name)) throw new TypeError(`bad XML element name: ${name}`);
  let inner: string;
  if (typeof value === 'string') inner = cdata(value);
  else if (typeof value === 'number') {
    // WeChat's bare numbers (CreateTime, Count, ArticleCount) are integers.
    if (!Number.isSafeInteger(value)) throw new TypeError(`XML number must be an integer: ${name}`);
    inner = String(value);
  } else if (typeof value === 'boolean') inner = String(value);
  else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    inner = Object.entries(value).map(([k, v]) => element(k, v)).join('');
  } else throw new TypeError(`field ${name} cannot be written as XML`);
  return `<${name}>${inner}</${name}>`;
}

/**
 * WeChat's encrypted reply shape (safe mode), as in the official samples' EncryptMsg: `Encrypt`,
 * `MsgSignature`, `TimeStamp` (bare digits) and `Nonce`, written by writeXml like every other message.
 */
export function encryptedReplyXml(reply: {
  encrypt: string;
  msgSignature: string;
  timestamp: string | number;
  nonce: string;
}): string {
  const timestamp = Number(reply.timestamp);
  // Written back as the same digits it was signed with: no leading zeros, a safe integer.
  if (!/^(0|[1-9][0-9]{0,14})$/.test(String(reply.timestamp))) throw new TypeError('timestamp must be decimal digits without leading zeros');
  return writeXml({ Encrypt: reply.encrypt, MsgSignature: reply.msgSignature, TimeStamp: timestamp, Nonce: reply.nonce });
}
