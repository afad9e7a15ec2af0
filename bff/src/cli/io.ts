import type { ProgressStream } from './progress';

/** What the CLI reads and writes: the process's streams, environment and fetch, or a test's. */
export interface CliIO {
  /** Read for the input when no --json/--file is given and it is not a terminal. */
  stdin: AsyncIterable<string | Uint8Array> & { isTTY?: boolean };
  stdout: { write(s: string): unknown };
  stderr: ProgressStream;
  env: Record<string, string | undefined>;
  fetch: typeof fetch;
  now?: () => number;
}
