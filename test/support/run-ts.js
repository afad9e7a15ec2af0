// Runs a TypeScript entry point of this repository in a child process, compiled on the fly by @swc/core
// the way jest compiles the tests (no `pnpm build` needed, the sources under test are what runs):
//   node test/support/run-ts.js bff/src/main.ts
// `@giftcard/shared` resolves to shared/src, as jest's moduleNameMapper does.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..', '..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === '@giftcard/shared') request = path.join(root, 'shared', 'src', 'index.ts');
  else if (request.startsWith('@giftcard/shared/')) request = path.join(root, 'shared', 'src', request.slice('@giftcard/shared/'.length));
  return resolve.call(this, request, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
require(path.resolve(root, process.argv[2]));
