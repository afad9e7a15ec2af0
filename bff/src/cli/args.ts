import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where `pnpm gc` finds the BFF unless `--url` or GC_URL says. */
const DEFAULT_URL = 'http://127.0.0.1:3000';

/** The BFF's origin for a command: `--url`, else GC_URL, else DEFAULT_URL; no trailing slash. */
export function bffUrl(url: string | undefined, env: Record<string, string | undefined>): string {
  return (url ?? env.GC_URL ?? DEFAULT_URL).replace(/\/$/, '');
}

/** A mistake in the command line: printed with the usage, exit code 1. */
export class UsageError extends Error {}

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

export interface ReadArgs<O extends OptionSpecs> {
  /** The options, as node:util's parseArgs reads them (`--url x` or `--url=x`). */
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values'];
  /** `name=value` arguments (a string) and `name:=<json>` ones (the JSON's value). */
  fields: Record<string, unknown>;
  /** Everything else, in order. */
  positional: string[];
}

const FIELD = /^([A-Za-z_]\w*)(:?=)/;

/**
 * The `pnpm gc` command lines: `options` read by node:util's parseArgs (strict: an unknown option, or
 * one missing its value, is a UsageError), then the positionals split into fields and the rest.
 */
export function readArgs<O extends OptionSpecs>(args: string[], options: O): ReadArgs<O> {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    // node:util's messages name the option and what is wrong with it ("Unknown option '--x'" …).
    throw new UsageError((e as Error).message.split('. ')[0]!);
  }
  const fields: Record<string, unknown> = {};
  const positional: string[] = [];
  for (const arg of parsed.positionals) {
    const field = FIELD.exec(arg);
    if (!field) {
      positional.push(arg);
      continue;
    }
    const [prefix, name, sign] = field;
    const text = arg.slice(prefix.length);
    if (sign === '=') fields[name!] = text;
    else {
      try {
        fields[name!] = JSON.parse(text);
      } catch {
        throw new UsageError(`${arg}: the value after := must be JSON`);
      }
    }
  }
  return { values: parsed.values, fields, positional };
}

/**
 * The fields a command takes, each as text (`name=value`): a field it does not take, or one given as
 * JSON (`name:=…`), is a UsageError rather than ignored or passed on as another type.
 */
export function textFields<N extends string>(fields: Record<string, unknown>, names: readonly N[]): Partial<Record<N, string>> {
  const out: Partial<Record<N, string>> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (!(names as readonly string[]).includes(name)) throw new UsageError(`unknown field ${name} (takes ${names.map((n) => `${n}=…`).join(', ')})`);
    if (typeof value !== 'string') throw new UsageError(`${name} takes text: ${name}=…`);
    out[name as N] = value;
  }
  return out;
}
