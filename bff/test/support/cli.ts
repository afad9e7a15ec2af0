import { runCli, type CliIO } from '../../src/cli/run';

/** `pnpm gc …` in-process, stdin a terminal (nothing to read), its output captured. */
export async function gc(argv: string[], env: Record<string, string | undefined>) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdin: Object.assign((async function* () {})(), { isTTY: true }),
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env,
    fetch,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}
