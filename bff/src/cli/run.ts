import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { ExportStreamLine } from '../admin/routes';
import { ADMIN_OPERATIONS, findOperation, pathParams, type Operation } from '../admin/operations';
import { bffUrl, readArgs, UsageError } from './args';
import { runPosCli } from './pos';
import type { CliIO } from './io';
import { ProgressReporter } from './progress';

export type { CliIO } from './io';

/**
 * `pnpm gc <area> <operation> [--json '<json>' | --file f.json | stdin] [field=value …] [field:=<json> …]`:
 * one merchant API operation over HTTP (GC_URL, ADMIN_TOKEN), its JSON result on stdout; an error
 * on stderr and exit code 1. Returns the exit code, so tests run it in-process.
 */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  try {
    // `pnpm gc golive --page <page_id>`: the go-live report of one shelf (`shelves golive`).
    const golive = argv[0] === 'golive';
    if (golive) argv = ['shelves', 'golive', ...argv.slice(1)];
    const [area, name, ...rest] = argv;
    // The till is for a terminal key, not the merchant token: its own commands (./pos.ts).
    if (area === 'pos') return await runPosCli(argv.slice(1), io);
    if (!area || area === 'help' || area === '--help' || area === '-h') {
      io.stdout.write(helpText(area === 'help' ? name : undefined));
      return 0;
    }
    const op = name ? findOperation(area, name) : undefined;
    if (!op) throw new UsageError(`unknown operation "${[area, name].filter(Boolean).join(' ')}"; \`pnpm gc help\` lists them`);
    const opts = operationArgs(rest, golive);
    if (opts.positional.length > (op.upload ? 1 : 0)) throw new UsageError(`unexpected argument "${opts.positional.at(-1)}"`);
    const token = io.env.ADMIN_TOKEN;
    if (!token) throw new UsageError('ADMIN_TOKEN is not set (the merchant API bearer token)');
    const baseUrl = bffUrl(opts.url, io.env);
    const { url, init } = op.upload
      ? await uploadRequest(op, opts.positional[0], baseUrl, token)
      : buildRequest(op, { ...(await readInput(opts, io)), ...opts.fields }, baseUrl, token);
    let res: Response;
    try {
      res = await io.fetch(url, init);
    } catch (e) {
      const { cause } = e as Error & { cause?: { code?: string; message?: string } };
      const why = cause?.code ?? cause?.message ?? (e as Error).message;
      return fail(io, { error: { code: 'unreachable', message: `cannot reach ${url}: ${why}` } });
    }
    if (res.ok && (res.headers.get('content-type') ?? '').startsWith('application/x-ndjson')) {
      return await readExportStream(res, io, opts.ndjson);
    }
    const text = await res.text();
    const body = parseJson(text) ?? { error: { code: `http_${res.status}`, message: text.slice(0, 500) } };
    if (!res.ok) return fail(io, body);
    io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`gc: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** An operation's command line: where its input comes from, its fields, and an upload's FILE. */
interface Options {
  json?: string;
  file?: string;
  url?: string;
  ndjson: boolean;
  fields: Record<string, unknown>;
  /** Arguments that are not options or fields: the FILE of an upload. */
  positional: string[];
}

/** `golive`: `--page <page_id>` (or `--page=<page_id>`) is the operation's `page_id=` field. */
function operationArgs(args: string[], golive: boolean): Options {
  const { values, fields, positional } = readArgs(args, {
    json: { type: 'string' },
    file: { type: 'string' },
    url: { type: 'string' },
    ndjson: { type: 'boolean' },
    ...(golive && { page: { type: 'string' } }),
  });
  const page = (values as { page?: string }).page;
  if (page !== undefined) fields.page_id = page;
  return { json: values.json, file: values.file, url: values.url, ndjson: values.ndjson ?? false, fields, positional };
}

async function readInput(opts: Options, io: CliIO): Promise<Record<string, unknown>> {
  let text: string | undefined;
  let source = '--json';
  if (opts.json !== undefined) text = opts.json;
  else if (opts.file !== undefined) {
    source = opts.file;
    text = opts.file === '-' ? await readAll(io.stdin) : await readFile(opts.file, 'utf8').catch((e: Error) => {
      throw new UsageError(`cannot read ${opts.file}: ${e.message}`);
    });
  } else if (!io.stdin.isTTY) {
    source = 'stdin';
    text = await readAll(io.stdin);
  }
  if (text === undefined || !text.trim()) return {};
  const value = parseJson(text);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`the input (${source}) must be a JSON object`);
  return value as Record<string, unknown>;
}

async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/**
 * The operation's HTTP request: path parameters filled from the input fields of the same name,
 * the rest in the query (GET) or as the JSON body.
 */
export function buildRequest(op: Operation, input: Record<string, unknown>, baseUrl: string, token: string): { url: string; init: RequestInit } {
  const rest = { ...input };
  const missing = pathParams(op.path).filter((p) => rest[p] === undefined || rest[p] === '');
  if (missing.length) throw new UsageError(`${op.area} ${op.name} needs ${missing.join(', ')} (${op.method} /admin${op.path})`);
  const path = op.path.replace(/:([A-Za-z_]+)/g, (_, name: string) => {
    const v = rest[name];
    delete rest[name];
    return encodeURIComponent(String(v));
  });
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    accept: op.streams ? 'application/x-ndjson, application/json' : 'application/json',
  };
  if (op.method === 'GET') {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(rest)) {
      for (const item of Array.isArray(v) ? v : [v]) {
        if (item !== undefined && item !== null) query.append(k, typeof item === 'object' ? JSON.stringify(item) : String(item));
      }
    }
    const qs = query.toString();
    return { url: `${baseUrl}/admin${path}${qs ? `?${qs}` : ''}`, init: { method: 'GET', headers } };
  }
  headers['content-type'] = 'application/json';
  return { url: `${baseUrl}/admin${path}`, init: { method: op.method, headers, body: JSON.stringify(rest) } };
}

/** Media types of the picture files a merchant uploads, by extension. */
const IMAGE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml', bmp: 'image/bmp' };

/** `pnpm gc images upload FILE`: the file's bytes as the body, its type from its extension, its name in the query. */
async function uploadRequest(op: Operation, file: string | undefined, baseUrl: string, token: string): Promise<{ url: string; init: RequestInit }> {
  if (!file) throw new UsageError(`${op.area} ${op.name} needs a FILE: pnpm gc ${op.area} ${op.name} FILE`);
  const data = await readFile(file).catch((e: Error) => {
    throw new UsageError(`cannot read ${file}: ${e.message}`);
  });
  const name = basename(file);
  const type = IMAGE_TYPES[extname(name).slice(1).toLowerCase()] ?? 'application/octet-stream';
  return {
    url: `${baseUrl}/admin${op.path}?${new URLSearchParams({ filename: name })}`,
    init: { method: op.method, headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': type }, body: data },
  };
}

/** The order export as NDJSON: a progress bar on stderr, the orders on stdout. */
async function readExportStream(res: Response, io: CliIO, ndjson: boolean): Promise<number> {
  const progress = new ProgressReporter(io.stderr, 'orders export', io.now);
  const orders: unknown[] = [];
  let last: ExportStreamLine | undefined;
  for await (const line of lines(res)) {
    const msg = parseJson(line) as ExportStreamLine | undefined;
    if (!msg) continue;
    last = msg;
    if (msg.type === 'progress') progress.update(msg);
    else if (msg.type === 'order') {
      if (ndjson) io.stdout.write(`${JSON.stringify(msg.order)}\n`);
      else orders.push(msg.order);
    } else if (msg.type === 'error') {
      progress.abort();
      return fail(io, { error: msg.error });
    } else if (msg.type === 'done') {
      progress.finish({ fraction: 1, window: msg.windows.length - 1, windows: msg.windows.length, orders: msg.orders, pages: msg.pages });
      if (!ndjson) io.stdout.write(`${JSON.stringify({ orders, windows: msg.windows, pages: msg.pages }, null, 2)}\n`);
      return 0;
    }
  }
  progress.abort();
  return fail(io, { error: { code: 'truncated', message: `the export ended early (last line: ${last?.type ?? 'none'})` } });
}

async function* lines(res: Response): AsyncGenerator<string> {
  if (!res.body) return;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    buffered += done ? decoder.decode() : decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      yield buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
    }
    if (done) break;
  }
  if (buffered.trim()) yield buffered;
}

function fail(io: CliIO, body: unknown): number {
  io.stderr.write(`${JSON.stringify(body, null, 2)}\n`);
  return 1;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Every operation, from the same table the routes are built from. */
export function helpText(area?: string): string {
  const ops = ADMIN_OPERATIONS.filter((o) => !area || o.area === area);
  const out = [
    "Usage: pnpm gc <area> <operation> [--json '<json>' | --file f.json | < f.json] [field=value …] [field:=<json> …] [--url <origin>]",
    '  Input is one JSON object with WeChat\'s field names; path fields (":name" below) are taken from it.',
    '  Environment: GC_URL (default http://127.0.0.1:3000), ADMIN_TOKEN (the merchant API bearer token).',
    '  Result: JSON on stdout. Error: JSON on stderr, exit code 1. `orders export` shows progress on stderr (--ndjson: one order a line).',
    '  The till (a terminal key, GC_TERMINAL_KEY): `pnpm gc pos help`.',
    '',
  ];
  const width = Math.max(...ops.map((o) => o.name.length));
  for (const a of [...new Set(ops.map((o) => o.area))]) {
    out.push(a);
    for (const o of ops.filter((x) => x.area === a)) {
      out.push(`  ${o.name.padEnd(width)}  ${o.method.padEnd(6)} /admin${o.path}${o.upload ? '  (pnpm gc ' + o.area + ' ' + o.name + ' FILE)' : ''}`);
      out.push(`  ${' '.repeat(width)}  ${o.summary}`);
    }
    out.push('');
  }
  if (ops.length === 0) out.push(`no area "${area}"`, '');
  return out.join('\n');
}
