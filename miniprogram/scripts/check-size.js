#!/usr/bin/env node
'use strict'
// Size of the WeChat main package in dist/ (a production `taro build --type weapp`).
// Everything counts except subpackage roots listed in dist/app.json. Exit 1 over budget.
// A `--watch` build adds a prebundle folder and unminified code: measure a production build.
const fs = require('fs')
const path = require('path')

const BUDGET = 400 * 1024 // WeChat's hard limit for the main package is 2 MB; ours is 400 KB.
const dist = path.resolve(__dirname, '..', 'dist')

function fail(msg, code) {
  console.error(`check-size: ${msg}`)
  process.exit(code)
}

const appJsonPath = path.join(dist, 'app.json')
if (!fs.existsSync(appJsonPath)) fail(`${appJsonPath} not found: run \`pnpm run build:weapp\` first`, 2)

const appJson = JSON.parse(fs.readFileSync(appJsonPath, 'utf8'))
const subRoots = [...(appJson.subPackages || []), ...(appJson.subpackages || [])]
  .map((p) => String(p.root || '').replace(/^\/+|\/+$/g, ''))
  .filter(Boolean)

function isSubpackage(rel) {
  return subRoots.some((root) => rel === root || rel.startsWith(root + '/'))
}

function walk(dir, rel, acc) {
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const r = rel ? `${rel}/${ent.name}` : ent.name
    if (isSubpackage(r)) continue
    const full = path.join(dir, ent.name)
    if (ent.isDirectory()) walk(full, r, acc)
    else if (ent.isFile()) {
      acc.bytes += fs.statSync(full).size
      acc.files += 1
    }
  }
  return acc
}

const { bytes, files } = walk(dist, '', { bytes: 0, files: 0 })
const kb = (n) => (n / 1024).toFixed(1)
const over = bytes > BUDGET
console.log(
  `weapp main package: ${kb(bytes)} KB (budget ${kb(BUDGET).replace(/\.0$/, '')} KB)` +
    (over ? ` OVER BUDGET by ${kb(bytes - BUDGET)} KB` : ''),
)
if (process.env.CHECK_SIZE_VERBOSE) console.log(`${files} files, ${bytes} bytes; subpackages excluded: ${subRoots.join(', ') || 'none'}`)
if (fs.existsSync(path.join(dist, 'prebundle'))) {
  console.error('check-size: dist/prebundle exists: this looks like a --watch build; rebuild with `pnpm run build:weapp`')
}
process.exit(over ? 1 : 0)
