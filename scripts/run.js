// Runs a command with inherited stdio; resolves with its exit code.
const { spawn } = require('node:child_process');

// SIGINT/SIGTERM sent to this script reach the child too, so stopping `pnpm start` stops the BFF.
// With `timeout` (ms) a child still running then is stopped, said on stderr, and resolves non-zero.
function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, { stdio: 'inherit', ...opts });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      if (opts.timeout && Date.now() - started >= opts.timeout) console.error(`${cmd} ${args.join(' ')}: stopped after ${opts.timeout} ms`);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function must(cmd, args, opts) {
  const code = await run(cmd, args, opts);
  if (code !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed with exit code ${code}`);
    process.exit(code);
  }
}

module.exports = { run, must };
