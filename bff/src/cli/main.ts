import { runCli } from './run';

/** `pnpm gc …`: the merchant API from a shell. See `runCli` and `pnpm gc help`. */
runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, fetch }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    process.stderr.write(`gc: ${e.message}\n`);
    process.exitCode = 1;
  },
);
