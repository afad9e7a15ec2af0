// Writes the generated event list of examples/merchant-webhook/README.md from the event table
// (shared/src/wechat/events.ts), through the built shared package: `pnpm --filter @giftcard/shared build` first.
// `--check`: writes nothing, exits 1 when the file differs (shared/test/event-docs.test.ts checks the same).
const fs = require('node:fs');
const path = require('node:path');
const { WECHAT_EVENTS, eventDocsMarkdown, withEventDocs } = require('../shared/dist');

const file = path.join(__dirname, '..', 'examples', 'merchant-webhook', 'README.md');
const before = fs.readFileSync(file, 'utf8');
const after = withEventDocs(before, eventDocsMarkdown(WECHAT_EVENTS));
if (process.argv.includes('--check')) {
  if (after !== before) {
    console.error(`${path.relative(process.cwd(), file)}: the event list differs from the table; run node scripts/event-docs.js`);
    process.exit(1);
  }
} else if (after !== before) {
  fs.writeFileSync(file, after);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
