import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The WeChat sandbox is a package and a service of its own (like stripe-mock apart from stripe-node):
 * the BFF's production code knows it only over HTTP, as it knows WeChat. No file under bff/src imports
 * @giftcard/sandbox or anything under sandbox/, except the benchmarks (bff/src/bench, dev tooling that
 * starts a sandbox beside the BFF it measures).
 */
const repo = path.resolve(__dirname, '../../..');
const src = path.join(repo, 'bff/src');
const bench = path.join(src, 'bench');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [file] : [];
  });
}

function sandboxImports(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((spec) => /^@giftcard\/sandbox(\/|$)/.test(spec) || (spec.startsWith('.') && path.resolve(path.dirname(file), spec).startsWith(path.join(repo, 'sandbox') + path.sep)));
}

describe('the BFF and the WeChat sandbox', () => {
  it('finds such an import when there is one', () => {
    const probe = path.join(src, 'probe.ts');
    const { importedFiles } = ts.preProcessFile("import { createSandboxApp } from '@giftcard/sandbox';\nimport x from '../../sandbox/src/world';", true, true);
    expect(importedFiles.map((i) => i.fileName).filter((spec) => /^@giftcard\/sandbox(\/|$)/.test(spec) || path.resolve(path.dirname(probe), spec).startsWith(path.join(repo, 'sandbox') + path.sep))).toHaveLength(2);
  });

  it('bff/src (but bench/) imports nothing of the sandbox package', () => {
    const files = sourceFiles(src).filter((f) => !f.startsWith(bench + path.sep));
    expect(files.length).toBeGreaterThan(50);
    const offending = files.flatMap((f) => sandboxImports(f).map((spec) => `${path.relative(repo, f)}: ${spec}`));
    expect(offending).toEqual([]);
  });

  it('bff/package.json has the sandbox as a dev dependency only (the benchmarks and tests)', () => {
    const pkg = JSON.parse(readFileSync(path.join(repo, 'bff/package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    expect(Object.keys(pkg.dependencies ?? {})).not.toContain('@giftcard/sandbox');
  });
});
