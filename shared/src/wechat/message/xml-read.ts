/**
 * Reading the XML of WeChat's messages: pushes (plain, and the safe-mode envelope) and, on the sandbox's side,
 * the merchant's replies. Writing is xml-write.ts.
 *
 * Parsing is defensive because the body arrives before anything else is known about it:
 * - refused before parsing: `<!DOCTYPE` / `<!ENTITY` anywhere (case-insensitive; entity expansion,
 *   "billion laughs", XXE). WeChat never sends a DTD. A user text that itself contains "<!DOCTYPE" is
 *   refused too: a plain substring test is the point (no parser state to get wrong);
 * - a well-formedness scan (every tag closed by its own name, nothing outside the root) requires exactly
 *   one root `<xml>`, nesting at most MAX_DEPTH levels below it, and no tag named after a member of
 *   Object.prototype (FORBIDDEN_NAMES). It replaces fast-xml-parser's XMLValidator, a second full pass that
 *   cost a fifth of a push's parse time; fast-xml-parser then only ever parses a well-formed body;
 * - fast-xml-parser runs with entities, value parsing and attributes off, so values stay strings exactly
 *   as sent (CDATA `00123` stays "00123", never the number 123).
 *
 * Output shape (chosen for event schemas: one flat `Record<string, string>` that a zod object validates):
 * - top-level elements: `fields[Name] = value`; CDATA kept verbatim, plain text trimmed (the whitespace
 *   around CDATA in spec 002 §10.4 / §12.2.2.4 samples is formatting), an empty element is "";
 * - nested blocks are flattened with "/" (XML names cannot contain "/"), e.g. the scanproduct reply's
 *   `ScanProduct/AntiFake/CodeResult`, `ScanCodeInfo/ScanType`; siblings sharing a name below the top
 *   level get a 1-based index, XPath style, e.g. `SendPicsInfo/PicList/item[1]/PicMd5Sum` (WeChat sends a
 *   `Count` beside such lists); a single one has no index;
 * - a top-level field that occurs twice is refused (`duplicate_field`): WeChat never repeats one, and two
 *   `Event` or `FromUserName` elements would make routing and de-duplication ambiguous;
 * - text directly mixed with child elements is refused (`mixed_content`).
 */
import { XMLParser, type EntityDecoderOptions } from 'fast-xml-parser';
import { FORBIDDEN_NAMES } from './xml-names';

/**
 * Levels allowed below `<xml>`. WeChat pushes are flat except a few blocks; the deepest known is 4:
 * `SendPicsInfo/PicList/item/PicMd5Sum` (pic_* menu events) and `CopyrightCheckResult/ResultList/item/…`
 * (MASSSENDJOBFINISH). All pushes of specs 000–003 are flat (1 level).
 */
export const MAX_DEPTH = 4;

export type XmlRejectReason =
  | 'empty'
  | 'dtd_forbidden'
  | 'malformed'
  | 'bad_root'
  | 'too_deep'
  | 'forbidden_name'
  | 'duplicate_field'
  | 'mixed_content'
  | 'bad_entity'
  | 'missing_encrypt';

export type XmlRejection = { ok: false; status: 400; reason: XmlRejectReason };
export type PushXmlResult = { ok: true; fields: Record<string, string> } | XmlRejection;
export type EnvelopeResult = { ok: true; encrypt: string; fields: Record<string, string> } | XmlRejection;

const reject = (reason: XmlRejectReason): XmlRejection => ({ ok: false, status: 400, reason });

const TEXT = '#text'; // '#' cannot start an XML name, so these keys never clash with an element
const CDATA = '#cdata';

/**
 * fast-xml-parser's entity decoder, replaced by one that decodes nothing: text keeps its references as
 * written (decodeText below reads the five XML escapes and numeric references), and entities declared by
 * a DTD are refused outright (such a body was already refused for its `<!DOCTYPE`). It also spares the
 * library building its own decoder, with copies of its entity tables, on every parse.
 */
const NO_ENTITIES: EntityDecoderOptions = {
  setExternalEntities: () => {},
  addInputEntities: () => {
    throw new Error('entity declarations are not accepted');
  },
  reset: () => {},
  decode: (text) => text,
  setXmlVersion: () => {},
};

const parser = new XMLParser({
  preserveOrder: true, // keeps repeated siblings and text/CDATA order visible
  processEntities: false, // no entity expansion at all; the five XML escapes are decoded below
  htmlEntities: false,
  entityDecoder: NO_ENTITIES,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  trimValues: true, // trims text nodes only; CDATA (cdataPropName) is kept verbatim
  cdataPropName: CDATA,
  textNodeName: TEXT,
  commentPropName: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_DEPTH + 1, // second line of defence; the scan below already enforced it
  jPath: false, // no path string built per node for callbacks we do not use (a third of parse time)
});

/** Parses a plain push (or a decrypted one) into flat string fields. Never throws. */
export function parsePushXml(body: string): PushXmlResult {
  if (typeof body !== 'string' || isBlank(body, 0, body.length)) return reject('empty');
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) return reject('dtd_forbidden');
  const structure = scanStructure(body);
  if (structure !== null) return reject(structure);

  let doc: unknown;
  try {
    doc = parser.parse(body);
  } catch {
    return reject('malformed');
  }
  const root = Array.isArray(doc) ? doc.find((n) => isRecord(n) && 'xml' in n) : undefined;
  if (!isRecord(root) || !Array.isArray(root.xml)) return reject('bad_root');

  // A plain object, not Object.create(null): V8 keeps null-prototype objects in dictionary mode, and
  // every later read, spread and schema check of the fields was several times slower (a push's fields
  // are read a dozen times). Safe: FORBIDDEN_NAMES are refused, so no key can reach or shadow a
  // prototype member, and readers look up known field names only.
  const fields: Record<string, string> = {};
  const failure = flatten(root.xml, '', 1, fields);
  return failure === null ? { ok: true, fields } : reject(failure);
}

/**
 * Parses the safe-mode envelope `<xml><ToUserName/><Encrypt/></xml>` (compatible mode adds the plain
 * fields beside `Encrypt`) and returns the `Encrypt` text, with the envelope's own fields.
 */
export function parseEncryptedEnvelope(body: string): EnvelopeResult {
  const parsed = parsePushXml(body);
  if (!parsed.ok) return parsed;
  const encrypt = parsed.fields.Encrypt;
  if (encrypt === undefined || encrypt === '') return reject('missing_encrypt');
  return { ok: true, encrypt, fields: parsed.fields };
}

type Node = Record<string, unknown>;
const isRecord = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

const LT = 0x3c; // <
const GT = 0x3e; // >
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;

/**
 * The well-formedness check, in one linear, iterative pass (a deep body cannot exhaust the stack):
 * every start tag closed by its own name, nothing but blanks, comments and PIs outside a single `<xml>`
 * root, comments, PIs and CDATA terminated, nesting capped, no forbidden names. fast-xml-parser itself is
 * lenient (a stray or mismatched close tag just pops), so this is what stands between a truncated or
 * spliced body and a half-read push. Character codes, not substrings: it runs on every push, twice in
 * safe mode. Returns null when fine.
 */
function scanStructure(xml: string): XmlRejectReason | null {
  // The open elements, as (start, length) of their names in `xml`: no substring per tag.
  const open: number[] = [];
  let roots = 0;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt === -1 ? xml.length : lt;
    if (open.length === 0 && !isBlank(xml, i, textEnd)) return 'malformed'; // text outside the root
    if (lt === -1) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === QUESTION) i = skipPast(xml, lt + 2, '?>');
    else if (next === BANG) {
      if (xml.startsWith('--', lt + 2)) i = skipPast(xml, lt + 4, '-->');
      else if (xml.startsWith('[CDATA[', lt + 2)) i = open.length === 0 ? -1 : skipPast(xml, lt + 9, ']]>');
      else return 'dtd_forbidden'; // any other declaration
    } else if (next === SLASH) {
      const end = xml.indexOf('>', lt + 2);
      if (end === -1 || open.length === 0) return 'malformed';
      const length = open.pop()!;
      const start = open.pop()!;
      if (!sameName(xml, start, lt + 2, length) || !isBlank(xml, lt + 2 + length, end)) return 'malformed';
      i = end + 1;
    } else {
      const nameEnd = nameEndAt(xml, lt + 1);
      if (nameEnd === -1) return 'malformed';
      const length = nameEnd - lt - 1;
      if (isForbiddenName(xml, lt + 1, length)) return 'forbidden_name';
      if (open.length === 0 && (++roots > 1 || length !== 3 || !xml.startsWith('xml', lt + 1))) return 'bad_root';
      const end = tagEnd(xml, nameEnd);
      if (end === -1) return 'malformed';
      if (open.length / 2 > MAX_DEPTH) return 'too_deep'; // the root and MAX_DEPTH levels below it are open
      if (xml.charCodeAt(end - 1) !== SLASH) open.push(lt + 1, length);
      i = end + 1;
    }
    if (i === -1) return 'malformed';
  }
  if (open.length !== 0) return 'malformed';
  return roots === 1 ? null : 'malformed';
}

/** Whether the `length` characters at `a` and at `b` are the same (a close tag naming its start tag). */
function sameName(xml: string, a: number, b: number, length: number): boolean {
  if (b + length > xml.length) return false;
  for (let k = 0; k < length; k++) if (xml.charCodeAt(a + k) !== xml.charCodeAt(b + k)) return false;
  return true;
}

/** FORBIDDEN_NAMES, tested in place: only a name of one of their lengths is read as a string. */
const FORBIDDEN_LENGTHS: ReadonlySet<number> = new Set([...FORBIDDEN_NAMES].map((n) => n.length));
function isForbiddenName(xml: string, start: number, length: number): boolean {
  return FORBIDDEN_LENGTHS.has(length) && FORBIDDEN_NAMES.has(xml.slice(start, start + length));
}

/**
 * The end of the tag name starting at `from`, or -1 when there is none or it is not followed by a blank,
 * '/' or '>'. Names as WeChat's pushes use them, read generously: ASCII letters, digits, `_:.-`, and any
 * non-ASCII character from U+00B7 on (never a digit, '.' or '-' first).
 */
function nameEndAt(xml: string, from: number): number {
  let i = from;
  for (; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x3a || c >= 0xc0;
    const laterOnly = (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0xb7;
    if (!(letter || (laterOnly && i > from))) break;
  }
  if (i === from || i === xml.length) return -1;
  const c = xml.charCodeAt(i);
  return c === GT || c === SLASH || isBlankCode(c) ? i : -1;
}

const isBlankCode = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

function isBlank(xml: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isBlankCode(xml.charCodeAt(i))) return false;
  return true;
}

function skipPast(xml: string, from: number, terminator: string): number {
  const at = xml.indexOf(terminator, from);
  return at === -1 ? -1 : at + terminator.length;
}

/** Index of the '>' closing a start tag, skipping quoted attribute values. */
function tagEnd(xml: string, from: number): number {
  let quote = 0;
  for (let i = from; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === GT) return i;
    else if (c === LT) return -1; // '<' cannot appear inside a tag
  }
  return -1;
}

function flatten(
  children: unknown[],
  prefix: string,
  depth: number,
  out: Record<string, string>,
): XmlRejectReason | null {
  const names: string[] = [];
  const contents: unknown[][] = [];
  for (const child of children) {
    if (!isRecord(child)) return 'malformed';
    for (const key of Object.keys(child)) {
      if (key === ':@') continue; // attributes (ignored anyway)
      if (key === TEXT || key === CDATA) return 'mixed_content'; // text beside child elements, or under root
      if (FORBIDDEN_NAMES.has(key)) return 'forbidden_name'; // second line of defence: scanStructure refused these
      const value = child[key];
      if (!Array.isArray(value)) return 'malformed';
      names.push(key);
      contents.push(value);
    }
  }
  // Siblings sharing a name: refused at the top, indexed below it. Counted only when there are any.
  let repeats: { counts: Map<string, number>; seen: Map<string, number> } | undefined;
  if (new Set(names).size !== names.length) {
    if (depth === 1) return 'duplicate_field';
    repeats = { counts: new Map(), seen: new Map() };
    for (const name of names) repeats.counts.set(name, (repeats.counts.get(name) ?? 0) + 1);
  }
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const content = contents[i]!;
    let path = prefix + name;
    if (repeats && repeats.counts.get(name)! > 1) {
      const n = (repeats.seen.get(name) ?? 0) + 1;
      repeats.seen.set(name, n);
      path += `[${n}]`;
    }
    const result = leafValue(content);
    if (result === 'element') {
      if (depth >= MAX_DEPTH) return 'too_deep';
      const failure = flatten(content, `${path}/`, depth + 1, out);
      if (failure !== null) return failure;
    } else if (typeof result === 'object') {
      return result.reason;
    } else {
      out[path] = result;
    }
  }
  return null;
}

/** The string value of an element made only of text and CDATA; 'element' when it has child elements. */
function leafValue(content: unknown[]): string | 'element' | { reason: XmlRejectReason } {
  let value = '';
  for (const part of content) {
    if (!isRecord(part)) return { reason: 'malformed' };
    if (TEXT in part) {
      const decoded = decodeText(String(part[TEXT]));
      if (decoded === null) return { reason: 'bad_entity' };
      value += decoded;
    } else if (CDATA in part) {
      const inner = part[CDATA];
      const first = Array.isArray(inner) ? inner[0] : undefined;
      value += isRecord(first) && TEXT in first ? String(first[TEXT]) : '';
    } else {
      return 'element';
    }
  }
  return value;
}

const XML_ESCAPES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decodes the five predefined XML escapes and numeric references of a text node (processEntities is off,
 * so the parser leaves them). Any other '&' (an undeclared entity) makes the value invalid: null.
 */
function decodeText(text: string): string | null {
  if (!text.includes('&')) return text; // the common case: nothing to decode
  let bad = false;
  const out = text.replace(/&([^;&\s]{1,10});|&/g, (whole: string, ref: string | undefined) => {
    const decoded = ref === undefined ? null : decodeReference(ref);
    if (decoded === null) bad = true;
    return decoded ?? whole;
  });
  return bad ? null : out;
}

function decodeReference(ref: string): string | null {
  if (Object.hasOwn(XML_ESCAPES, ref)) return XML_ESCAPES[ref] ?? null;
  const m = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(ref);
  if (!m) return null;
  const code = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2] ?? '', 10);
  return isXmlChar(code) ? String.fromCodePoint(code) : null;
}

function isXmlChar(c: number): boolean {
  return (
    c === 0x9 || c === 0xa || c === 0xd ||
    (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff)
  );
}
