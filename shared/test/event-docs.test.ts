import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_DOCS_BEGIN, EVENT_DOCS_END, WECHAT_EVENTS, eventDocsMarkdown, withEventDocs } from '../src';

const README = join(__dirname, '..', '..', 'examples', 'merchant-webhook', 'README.md');

describe('the webhook documentation of events', () => {
  it('is what the event table generates (regenerate: node scripts/event-docs.js)', () => {
    const text = readFileSync(README, 'utf8');
    expect(text).toBe(withEventDocs(text, eventDocsMarkdown(WECHAT_EVENTS)));
  });

  it('lists every event of the table with each of its fields', () => {
    const text = readFileSync(README, 'utf8');
    const section = text.slice(text.indexOf(EVENT_DOCS_BEGIN), text.indexOf(EVENT_DOCS_END));
    for (const def of WECHAT_EVENTS.defs) {
      expect(section).toContain(`#### ${def.name}\n${def.spec}.`);
      for (const field of Object.keys(def.fields)) expect(section).toContain(`| \`${field}\` |`);
    }
    expect(section).toContain('| `MerchantId` | integer |');
    expect(section).toContain('| `Result` | one of `verify_ok`, `verify_not_pass` |');
  });

  it('refuses a file without the markers', () => {
    expect(() => withEventDocs('# no markers', 'x')).toThrow(/markers/);
  });
});
