import { randomBytes } from 'node:crypto';
import { CARD_STATUS_TEXT, formatChinaTime, formatFen } from '@giftcard/shared';
import type { Redemption, Reversal, TillCard } from '@giftcard/shared/api';
import { bffUrl, readArgs, textFields, UsageError } from './args';
import type { CliIO } from './io';

const USAGE = [
  'Usage: pnpm gc pos <command> [--url <origin>] [--json]',
  '  preview <code>                         the card as the till reads it (live from WeChat)',
  '  debit <code> <amount in fen> [key=<idempotency key>] [note=<text>]',
  '                                         take money from the card; a retry must reuse the key it prints',
  '  reverse <redemption id> [key=<idempotency key>]',
  '                                         give a debit back (once)',
  '  history <code>                         the card\'s debits, newest first',
  '  Environment: GC_URL (default http://127.0.0.1:3000), GC_TERMINAL_KEY (the terminal key from POST /admin/terminals).',
  '  Prints what the till shows; --json prints the answer as is. Exit code 1: refused; 2: outcome unknown, retry with the same key.',
  '',
].join('\n');


/**
 * `pnpm gc pos …`: the till from a shell, for a terminal key (CONTRACT.md "Redemption"). Returns the
 * exit code; 2 when WeChat's answer was lost and the same command (same key) must be run again.
 */
export async function runPosCli(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    io.stdout.write(USAGE);
    return 0;
  }
  let parsed;
  let named;
  try {
    parsed = readArgs(rest, { json: { type: 'boolean' }, url: { type: 'string' } });
    named = textFields(parsed.fields, ['key', 'note']);
  } catch (e) {
    if (e instanceof UsageError) return usage(io, e.message);
    throw e;
  }
  const { values, positional } = parsed;
  const base = bffUrl(values.url, io.env);
  const key = io.env.GC_TERMINAL_KEY;
  if (!key) return usage(io, 'GC_TERMINAL_KEY is not set (the terminal key from POST /admin/terminals)');
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await io.fetch(`${base}/pos${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, accept: 'application/json', ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = { error: { code: `http_${res.status}`, message: text.slice(0, 300) } };
    }
    return { status: res.status, json };
  };
  const json = values.json ?? false;
  const out = (lines: string[]) => io.stdout.write(`${lines.join('\n')}\n`);

  let answer: { status: number; json: any };
  try {
    switch (command) {
      case 'preview': {
        const [code] = positional;
        if (!code) return usage(io, 'preview needs a card code');
        answer = await call('GET', `/cards/${encodeURIComponent(code)}`);
        if (answer.status === 200 && !json) out(cardLines(answer.json.card as TillCard));
        break;
      }
      case 'debit': {
        const [code, amountText] = positional;
        if (!code || !amountText || !/^\d+$/.test(amountText)) return usage(io, 'debit needs a card code and an amount in fen (1200 for ¥12.00)');
        const idem = named.key ?? `cli-${randomBytes(9).toString('base64url')}`;
        const body = { code, amount: Number(amountText), idempotency_key: idem, ...(named.note !== undefined && { note: named.note }) };
        answer = await call('POST', '/redemptions', body);
        if (answer.status === 503 && answer.json.error?.code === 'outcome_unknown') {
          io.stderr.write(`结果未知：${answer.json.error.message}\n请用同一个 key 重试：pnpm gc pos debit ${code} ${amountText} key=${idem}\n`);
          return 2;
        }
        if (answer.status < 300 && !json) out(debitLines(answer.json.redemption as Redemption, answer.status === 200, idem));
        break;
      }
      case 'reverse': {
        const [id] = positional;
        if (!id) return usage(io, 'reverse needs a redemption id (rd_…)');
        const idem = named.key ?? `cli-${randomBytes(9).toString('base64url')}`;
        answer = await call('POST', `/redemptions/${encodeURIComponent(id)}/reversal`, { idempotency_key: idem });
        if (answer.status === 503 && answer.json.error?.code === 'outcome_unknown') {
          io.stderr.write(`结果未知：${answer.json.error.message}\n请用同一个 key 重试：pnpm gc pos reverse ${id} key=${idem}\n`);
          return 2;
        }
        if (answer.status < 300 && !json) out(reversalLines(answer.json.reversal as Reversal, answer.status === 200));
        break;
      }
      case 'history': {
        const [code] = positional;
        if (!code) return usage(io, 'history needs a card code');
        answer = await call('GET', `/redemptions?code=${encodeURIComponent(code)}`);
        if (answer.status === 200 && !json) out(historyLines(answer.json.redemptions as Redemption[]));
        break;
      }
      default:
        return usage(io, `unknown till command "${command}"`);
    }
  } catch (e) {
    const { cause } = e as Error & { cause?: { code?: string } };
    io.stderr.write(`${JSON.stringify({ error: { code: 'unreachable', message: `cannot reach ${base}: ${cause?.code ?? (e as Error).message}` } }, null, 2)}\n`);
    return 1;
  }
  if (answer.status >= 300) {
    io.stderr.write(`${JSON.stringify(answer.json, null, 2)}\n`);
    return 1;
  }
  if (json) io.stdout.write(`${JSON.stringify(answer.json, null, 2)}\n`);
  return 0;
}

function usage(io: CliIO, message: string): number {
  io.stderr.write(`gc pos: ${message}\n\n${USAGE}`);
  return 1;
}

/** The code in groups of four, as printed on a card. */
const grouped = (code: string) => code.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * Unix seconds → "2026年12月1日 14:05" in China Standard Time (UTC+8, no daylight saving): the
 * merchant's till shows WeChat's times as its cashiers read them, whatever zone the shell is in.
 */
export const formatCst = (sec: number): string => formatChinaTime(sec);

function cardLines(c: TillCard): string[] {
  return [
    `${c.title ?? '礼品卡'}`,
    `卡号    ${grouped(c.code)}`,
    `余额    ${formatFen(c.balance)}`,
    `状态    ${CARD_STATUS_TEXT[c.status].label}`,
    `有效期  ${c.end_time === null ? '长期有效' : `${formatCst(c.begin_time)} 至 ${formatCst(c.end_time)}`}`,
  ];
}

function debitLines(r: Redemption, replayed: boolean, key: string): string[] {
  return [
    `${replayed ? '已扣款（重复请求，未再次扣款）' : '扣款成功'}  ${formatFen(r.amount)}`,
    `卡号    ${grouped(r.code)}`,
    `扣前    ${formatFen(r.balance_before)}`,
    `余额    ${formatFen(r.balance_after)}`,
    `时间    ${formatCst(r.created_at)}`,
    `流水号  ${r.id}`,
    `key     ${key}`,
  ];
}

function reversalLines(v: Reversal, replayed: boolean): string[] {
  return [
    `${replayed ? '已撤销（重复请求，未再次退回）' : '撤销成功'}  退回 ${formatFen(v.amount)}`,
    `余额    ${formatFen(v.balance_after)}`,
    `时间    ${formatCst(v.created_at)}`,
    `流水号  ${v.redemption_id}`,
  ];
}

function historyLines(list: Redemption[]): string[] {
  if (list.length === 0) return ['暂无消费记录'];
  return list.map(
    (r) =>
      `${formatCst(r.created_at)}  消费 ${formatFen(r.amount).padStart(10)}  余额 ${formatFen(r.balance_after).padStart(10)}  ${r.id}${r.reversed_at !== null ? `  已撤销 ${formatCst(r.reversed_at)}` : ''}${r.note ? `  ${r.note}` : ''}`,
  );
}
