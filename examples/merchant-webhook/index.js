#!/usr/bin/env node
// A merchant backend receiving the BFF's signed webhooks (CONTRACT.md "Merchant webhooks").
//
//   MERCHANT_WEBHOOK_SECRET=… PORT=4000 node examples/merchant-webhook/index.js
//
// Settings (environment): MERCHANT_WEBHOOK_SECRET (required, the BFF's), MERCHANT_WEBHOOK_SECRET_PREVIOUS
// (optional: the secret before a rotation, still accepted), PORT (4000; 0 = any free port), HOST (127.0.0.1),
// TOLERANCE_S (300: a timestamp further than this from now is refused, so a captured request cannot be
// replayed later). Node.js only, nothing to install or build.
//
// Prints `listening <url>` on stderr, then each new event as one JSON line on stdout. Answers 2xx once the
// event is handled (a duplicate too: the BFF then stops retrying it), 401 when the signature or timestamp
// is wrong, 400 for a body that is not an event. Put your own work in handleEvent.
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');

const env = process.env;
const SECRETS = [env.MERCHANT_WEBHOOK_SECRET, env.MERCHANT_WEBHOOK_SECRET_PREVIOUS].filter(Boolean);
const TOLERANCE_S = Number(env.TOLERANCE_S || 300);
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Checks `Giftcard-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` against every
 * secret we accept, in constant time, and that `Giftcard-Timestamp` is within `toleranceS` of now.
 * Verify the raw bytes as received: re-serialising parsed JSON changes them.
 */
function verify(rawBody, headers, secrets, toleranceS, nowS = Math.floor(Date.now() / 1000)) {
  const timestamp = String(headers['giftcard-timestamp'] || '');
  const signature = String(headers['giftcard-signature'] || '');
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing or malformed Giftcard-Timestamp' };
  if (Math.abs(nowS - Number(timestamp)) > toleranceS) return { ok: false, reason: `timestamp outside ${toleranceS} s of now` };
  const match = /^v1=([0-9a-f]{64})$/.exec(signature);
  if (!match) return { ok: false, reason: 'missing or malformed Giftcard-Signature' };
  const given = Buffer.from(match[1], 'hex');
  const valid = secrets.some((secret) => {
    const expected = crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
    return crypto.timingSafeEqual(expected, given);
  });
  return valid ? { ok: true } : { ok: false, reason: 'signature does not match' };
}

/**
 * Event ids already handled. Delivery is at least once: the same event can come twice (a 2xx that was
 * lost, a BFF process that died mid-delivery). In production keep this in your database, e.g. a unique
 * column `giftcard_event_id` inserted in the same transaction as your work; here, the last 100,000 ids
 * in memory.
 */
const seen = new Set();
function firstTime(id) {
  if (seen.has(id)) return false;
  seen.add(id);
  if (seen.size > 100000) seen.delete(seen.values().next().value);
  return true;
}

/**
 * The merchant's own work for one event: `{id, entry_id, type, received_at, payload}` (type `unparsed`:
 * a push WeChat signed whose fields the BFF could not read; `event` names it and `reason` says why).
 * Events are hints: before money moves, re-read the order or card from WeChat (order/get, code/get).
 */
async function handleEvent(event) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function answer(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST') return answer(res, 405, 'POST only');
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) req.destroy();
    else chunks.push(chunk);
  });
  req.on('end', async () => {
    const raw = Buffer.concat(chunks);
    const verdict = verify(raw, req.headers, SECRETS, TOLERANCE_S);
    if (!verdict.ok) return answer(res, 401, verdict.reason);
    let event;
    try {
      event = JSON.parse(raw.toString('utf8'));
    } catch {
      return answer(res, 400, 'body is not JSON');
    }
    if (!event || typeof event.id !== 'string' || event.id !== req.headers['giftcard-event-id']) return answer(res, 400, 'not an event');
    if (!firstTime(event.id)) return answer(res, 200, 'duplicate');
    try {
      await handleEvent(event);
      answer(res, 200, 'ok');
    } catch (e) {
      seen.delete(event.id); // not handled: let the BFF retry it
      answer(res, 500, 'failed');
    }
  });
});

if (require.main === module) {
  if (SECRETS.length === 0 || SECRETS.some((s) => s.length < 32)) {
    process.stderr.write('MERCHANT_WEBHOOK_SECRET must be set (at least 32 characters, the BFF\'s)\n');
    process.exit(2);
  }
  server.listen(Number(env.PORT ?? 4000), env.HOST || '127.0.0.1', () => {
    const { address, port } = server.address();
    process.stderr.write(`listening http://${address}:${port}/\n`);
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close(() => process.exit(0)));
}

module.exports = { verify };
