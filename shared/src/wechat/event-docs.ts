import { describeField, type EventAck, type EventTable, type EventTableDefs } from './event-table';

/** How the callback answers each family, in the documentation's words. */
const ACK_TEXT: Readonly<Record<EventAck, string>> = {
  card: '`<xml>ok</xml>`',
  scanproduct: 'the `scanproduct` reply',
  success: '`success`',
};

/** A table cell's text: a `|` would end the cell. */
const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The markers around the generated section of a Markdown file. */
export const EVENT_DOCS_BEGIN = '<!-- events:begin (generated from the event table, shared/src/wechat/events.ts: run `node scripts/event-docs.js`; do not edit) -->';
export const EVENT_DOCS_END = '<!-- events:end -->';

/**
 * The webhook documentation's event list and each event's fields, from the table itself, so the
 * docs cannot drift from what is parsed, stored and delivered. Types are those of `payload` (JSON).
 */
export function eventDocsMarkdown<T extends EventTableDefs>(table: EventTable<T>): string {
  const lines: string[] = [
    'Every event `payload` has the header `ToUserName` (string: the Official Account), `FromUserName` (string: an openid),',
    '`CreateTime` (integer, Unix seconds), `MsgType` (`event`) and `Event` (its name, also the entry\'s `type`), then its own',
    'fields below. A field WeChat adds later is passed on as the string it came as. Any other push (a text message, an',
    'event not listed here) has `type` = its `Event` or `MsgType` and its fields as strings, `CreateTime` a number.',
    '',
    '| `type` | spec | WeChat is answered | what happened |',
    '|---|---|---|---|',
    ...table.defs.map((d) => `| [\`${d.name}\`](#${d.name}) | ${d.spec} | ${ACK_TEXT[d.ack]} | ${cell(d.summary)} |`),
  ];
  for (const d of table.defs) {
    lines.push('', `#### ${d.name}`, `${d.spec}. ${d.summary}`, '', '| field | type | |', '|---|---|---|');
    const notes = d.notes as Readonly<Record<string, string | undefined>>;
    for (const [name, schema] of Object.entries(d.fields)) {
      const f = describeField(schema);
      const presence = f.default !== undefined ? `\`${JSON.stringify(f.default)}\` when WeChat leaves it out` : f.optional ? 'may be absent' : '';
      lines.push(`| \`${name}\` | ${f.type} | ${cell([presence, notes[name] ?? ''].filter(Boolean).join('; '))} |`);
    }
  }
  return lines.join('\n');
}

/** `markdown` with its generated section replaced by `section` (the markers must be there). */
export function withEventDocs(markdown: string, section: string): string {
  const begin = markdown.indexOf(EVENT_DOCS_BEGIN);
  const end = markdown.indexOf(EVENT_DOCS_END);
  if (begin < 0 || end < begin) throw new Error('the event docs markers are missing');
  return `${markdown.slice(0, begin + EVENT_DOCS_BEGIN.length)}\n${section}\n${markdown.slice(end)}`;
}
