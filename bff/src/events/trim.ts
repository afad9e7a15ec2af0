import type { RedisClient } from '../redis/connect';
import { nameScript } from '../redis/scripts';
import type { RedisKeys } from '../redis/keys';

// One atomic step, so no group can be created, read or acknowledged between looking and trimming.
// For each group of the stream, the first id it still needs: its oldest pending entry (XPENDING
// summary) when it has one, else the id right after its last-delivered-id (everything up to that
// was delivered and acknowledged). XTRIM MINID to the smallest of these keeps every entry that any
// group has not acknowledged, and every entry not yet delivered to some group. No group: nothing is
// trimmed (nobody has read anything). Ids are compared as decimal strings, exactly.
// KEYS[1] stream; ARGV[1] '~' or '='. Returns {trimmed, minid or ''}.
const TRIM_ACKNOWLEDGED = `
local function cmpnum(a, b)
  if #a ~= #b then return (#a < #b) and -1 or 1 end
  if a == b then return 0 end
  return (a < b) and -1 or 1
end
local function split(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return ms, seq
end
local function cmpid(a, b)
  local am, as = split(a)
  local bm, bs = split(b)
  local c = cmpnum(am, bm)
  if c ~= 0 then return c end
  return cmpnum(as, bs)
end
local function incr(n)
  local digits = {}
  for i = 1, #n do digits[i] = tonumber(string.sub(n, i, i)) end
  local i = #digits
  while i >= 1 do
    if digits[i] < 9 then digits[i] = digits[i] + 1; break end
    digits[i] = 0
    i = i - 1
  end
  local s = table.concat(digits)
  if i < 1 then s = '1' .. s end
  return s
end
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, ''} end
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
if #groups == 0 then return {0, ''} end
local floor = nil
for _, g in ipairs(groups) do
  local info = {}
  for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
  local need
  local summary = redis.call('XPENDING', KEYS[1], info['name'])
  if tonumber(summary[1]) > 0 then
    need = summary[2]
  else
    local ms, seq = split(info['last-delivered-id'])
    if seq == '18446744073709551615' then need = ms .. '-' .. seq else need = ms .. '-' .. incr(seq) end
  end
  if floor == nil or cmpid(need, floor) < 0 then floor = need end
end
local trimmed = redis.call('XTRIM', KEYS[1], 'MINID', ARGV[1], floor)
return {trimmed, floor}
`;
nameScript('events_trim_acknowledged', TRIM_ACKNOWLEDGED);

export interface TrimResult {
  /** Entries removed. */
  trimmed: number;
  /** The MINID trimmed to (every entry below it was acknowledged by every group); null when nothing could be. */
  minId: string | null;
}

/**
 * Trims a stream (`<prefix>events`, `events:unparsed`, `invoice-requests`) below the position every
 * consumer group has acknowledged, never dropping an entry some group has not acknowledged (or not
 * yet read). Safe to run from any process at any time (cron, an interval in the BFF). A consumer
 * that must see every entry needs its group created before the first trim; a stream without groups
 * is never trimmed.
 *
 * `approximate` trims whole macro nodes only (XTRIM MINID ~): cheaper, removes at most as much.
 */
export async function trimAcknowledged(redis: RedisClient, stream: string, opts: { approximate?: boolean } = {}): Promise<TrimResult> {
  const [trimmed, minId] = (await redis.eval(TRIM_ACKNOWLEDGED, 1, stream, opts.approximate ? '~' : '=')) as [number, string];
  return { trimmed: Number(trimmed), minId: minId === '' ? null : minId };
}

/** The streams the BFF trims on its interval: the merchant's groups read them. The ledger (`redemptions`) is kept whole. */
export function trimmedStreams(keys: RedisKeys): string[] {
  return [keys.events, keys.eventsUnparsed, keys.invoiceRequests];
}
