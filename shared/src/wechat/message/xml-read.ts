/**
 * Reading the XML of WeChat's messages: pushes (plain, and the safe-mode envelope) and, on the sandbox's side,
 * the merchant's replies. Writing is xml-write.ts.
 *
 * Parsing is defensive because the body arrives before anything else is known about it:
 * - refused before reading: `<!DOCTYPE` / `<!ENTITY` anywhere (case-insensitive; entity expansion,
 *   "billion laughs", XXE). WeChat never sends a DTD. A user text that itself contains "<!DOCTYPE" is
 *   refused too: a plain substring test is the point (no parser state to get wrong);
 * - one linear, iterative pass (a deep body cannot exhaust the stack) both checks well-formedness and reads
 *   the fields: every tag closed by its own name, nothing but blanks, comments and PIs outside exactly one
 *   root `<xml>`, comments, PIs and CDATA terminated, nesting at most MAX_DEPTH levels below the root, no tag
 *   named after a member of Object.prototype (FORBIDDEN_NAMES). No general XML parser is involved: this
 *   pass replaced fast-xml-parser (and its validator before it), which built a node tree per push only for
 *   it to be flattened again, and was a seventh of a plain push's CPU in the callback (the tests still hold
 *   this reader to fast-xml-parser's XMLValidator on every mutation of the spec's pushes);
 * - no entities, no value parsing, attributes ignored: values stay strings exactly as sent (CDATA `00123`
 *   stays "00123", never the number 123); text reads the five XML escapes and numeric references only.
 *
 * Output shape (chosen for event schemas: one flat `Record<string, string>` that a zod object validates):
 * - top-level elements: `fields[Name] = value`; CDATA kept verbatim, each run of plain text trimmed (the
 *   whitespace around CDATA in spec 002 §10.4 / §12.2.2.4 samples is formatting), an empty element is "";
 * - nested blocks are flattened with "/" (XML names cannot contain "/"), e.g. the scanproduct reply's
 *   `ScanProduct/AntiFake/CodeResult`, `ScanCodeInfo/ScanType`; siblings sharing a name below the top
 *   level get a 1-based index, XPath style, e.g. `SendPicsInfo/PicList/item[1]/PicMd5Sum` (WeChat sends a
 *   `Count` beside such lists); a single one has no index;
 * - a top-level field that occurs twice is refused (`duplicate_field`): WeChat never repeats one, and two
 *   `Event` or `FromUserName` elements would make routing and de-duplication ambiguous;
 * - text directly mixed with child elements is refused (`mixed_content`).
 * A body that is not well-formed is refused as such (`malformed`, `bad_root`, `too_deep`, `forbidden_name`,
 * `dtd_forbidden`) before any of the other reasons, whatever comes first in it.
 */
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

/** Parses a plain push (or a decrypted one) into flat string fields. Never throws. */
export function parsePushXml(body: string): PushXmlResult {
  if (typeof body !== 'string' || isBlank(body, 0, body.length)) return reject('empty');
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) return reject('dtd_forbidden');
  const read = readFields(body);
  return typeof read === 'string' ? reject(read) : { ok: true, fields: read };
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

/** An element being read: where its name is in the body, its field path, and what it holds so far. */
interface Open {
  nameStart: number;
  nameLength: number;
  /** `Name`, `Outer/Name`, `List/item[2]`; '' for the root. */
  path: string;
  /** Its text and CDATA so far (a leaf's value). */
  value: string;
  hasValue: boolean;
  hasChildren: boolean;
  /** Its children's names and how often each came: only once a child came (below the root: indexes). */
  childNames: Map<string, number> | undefined;
}

const LT = 0x3c; // <
const GT = 0x3e; // >
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;

/**
 * The well-formedness check and the fields, in one pass. Returns the fields, or why the body is refused.
 * A structural fault anywhere wins over a finding about the content (a duplicate, mixed content, an
 * undeclared entity) seen earlier: that finding is kept aside until the whole body has been checked.
 * Character codes, not substrings, for the markup: it runs on every push, twice in safe mode.
 */
function readFields(xml: string): Record<string, string> | XmlRejectReason {
  // A plain object, not Object.create(null): V8 keeps null-prototype objects in dictionary mode, and
  // every later read, spread and schema check of the fields was several times slower (a push's fields
  // are read a dozen times). Safe: FORBIDDEN_NAMES are refused, so no key can reach or shadow a
  // prototype member, and readers look up known field names only.
  const fields: Record<string, string> = {};
  const open: Open[] = [];
  let content: XmlRejectReason | null = null;
  let roots = 0;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt === -1 ? xml.length : lt;
    if (textEnd > i && !isBlank(xml, i, textEnd)) {
      const parent = open[open.length - 1];
      if (parent === undefined) return 'malformed'; // text outside the root
      // Each run of text between two pieces of markup is trimmed on its own (a comment ends a run too).
      const text = xml.slice(i, textEnd).trim();
      if (text !== '' && content === null) {
        const decoded = open.length === 1 || parent.hasChildren ? '' : decodeText(text);
        content = decoded === null ? 'bad_entity' : addValue(parent, decoded, open.length === 1);
      }
    }
    if (lt === -1) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === QUESTION) i = piTargetEnd(xml, lt + 2) === -1 ? -1 : skipPast(xml, lt + 2, '?>');
    else if (next === BANG) {
      if (xml.startsWith('--', lt + 2)) i = skipPast(xml, lt + 4, '-->');
      else if (xml.startsWith('[CDATA[', lt + 2)) {
        const parent = open[open.length - 1];
        const end = parent === undefined ? -1 : xml.indexOf(']]>', lt + 9);
        if (end === -1) return 'malformed'; // CDATA outside the root, or never ended
        if (content === null) content = addValue(parent!, xml.slice(lt + 9, end), open.length === 1);
        i = end + 3;
      } else return 'dtd_forbidden'; // any other declaration
    } else if (next === SLASH) {
      const end = xml.indexOf('>', lt + 2);
      const element = open.pop();
      if (end === -1 || element === undefined) return 'malformed';
      if (!sameName(xml, element.nameStart, lt + 2, element.nameLength) || !isBlank(xml, lt + 2 + element.nameLength, end)) return 'malformed';
      // A leaf's value is its field (the root's own text was refused as mixed content when it came).
      if (open.length > 0 && !element.hasChildren && content === null) fields[element.path] = element.value;
      i = end + 1;
    } else {
      const nameEnd = nameEndAt(xml, lt + 1);
      if (nameEnd === -1) return 'malformed';
      const length = nameEnd - lt - 1;
      if (isForbiddenName(xml, lt + 1, length)) return 'forbidden_name';
      if (open.length === 0 && (++roots > 1 || length !== 3 || !xml.startsWith('xml', lt + 1))) return 'bad_root';
      const end = tagEnd(xml, nameEnd);
      if (end === -1) return 'malformed';
      if (open.length > MAX_DEPTH) return 'too_deep'; // the root and MAX_DEPTH levels below it are open
      const parent = open[open.length - 1];
      let path = '';
      if (parent !== undefined && content === null) {
        if (parent.hasValue) content = 'mixed_content';
        else {
          const child = childPath(parent, xml.slice(lt + 1, nameEnd), open.length === 1, fields);
          if (child === null) content = 'duplicate_field';
          else path = child;
        }
      }
      if (xml.charCodeAt(end - 1) !== SLASH) {
        open.push({ nameStart: lt + 1, nameLength: length, path, value: '', hasValue: false, hasChildren: false, childNames: undefined });
      } else if (parent !== undefined && content === null) fields[path] = ''; // `<Name/>`
      i = end + 1;
    }
    if (i === -1) return 'malformed';
  }
  if (open.length !== 0 || roots !== 1) return 'malformed';
  return content ?? fields;
}

/** Text or CDATA of `element`: its value, unless it is the root or already holds elements (mixed content). */
function addValue(element: Open, text: string, isRoot: boolean): XmlRejectReason | null {
  if (isRoot || element.hasChildren) return 'mixed_content';
  element.value += text;
  element.hasValue = true;
  return null;
}

/**
 * The field path of `parent`'s child `name`; null for a top-level name that came before. Below the top
 * level the second sibling of a name is `name[2]`, and the first one's fields (written by now: siblings
 * come one after the other) are renamed `name[1]`. Only lists (pic_* events) ever pay for that.
 */
function childPath(parent: Open, name: string, atTop: boolean, fields: Record<string, string>): string | null {
  parent.hasChildren = true;
  const names = (parent.childNames ??= new Map());
  const seen = names.get(name) ?? 0;
  names.set(name, seen + 1);
  const base = atTop ? name : `${parent.path}/${name}`;
  if (seen === 0) return base;
  if (atTop) return null;
  if (seen === 1) {
    for (const key of Object.keys(fields)) {
      if (key !== base && !key.startsWith(`${base}/`)) continue;
      fields[`${base}[1]${key.slice(base.length)}`] = fields[key]!;
      delete fields[key];
    }
  }
  return `${base}[${seen + 1}]`;
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

/** The end of a processing instruction's target (`xml` of `<?xml version="1.0"?>`), or -1 when it has none. */
function piTargetEnd(xml: string, from: number): number {
  const end = nameEndAt(xml, from);
  if (end !== -1) return end;
  // nameEndAt wants a blank, '/' or '>' after the name; a PI may also end right after its target.
  let i = from;
  while (i < xml.length && xml.charCodeAt(i) !== QUESTION && !isBlankCode(xml.charCodeAt(i))) i++;
  return i > from && xml.charCodeAt(i) === QUESTION && nameEndAt(`${xml.slice(from, i)}>`, 0) === i - from ? i : -1;
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
