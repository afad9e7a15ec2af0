import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * No import cycles (madge --circular, as a walk of the import graph): every relative import, `import type`
 * and `export … from` included, as madge counts them, of every TypeScript file under a package's src.
 * A cycle is a strongly connected component of more than one file, or a file importing itself.
 */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [file] : [];
  });
}

function resolve(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined; // packages are outside the graph
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  throw new Error(`${from}: cannot resolve ${spec}`);
}

export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    graph.set(file, [...new Set(importedFiles.map((i) => resolve(file, i.fileName)).filter((f): f is string => f !== undefined))]);
  }
  return graph;
}

/** Tarjan's strongly connected components, iteratively; the ones that are cycles, as paths relative to `root`. */
export function cycles(graph: Map<string, string[]>, root: string): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; edge: number }[] = [{ node: start, edge: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const to = edges[frame.edge++]!;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1 || edges.includes(frame.node)) found.push(component.map((f) => path.relative(root, f)).sort());
    }
  }
  return found;
}

const repo = path.resolve(__dirname, '../../..');

describe('import cycles', () => {
  it('the walk finds a cycle when there is one (two files importing each other, a file importing itself)', () => {
    const a = path.join(repo, 'a.ts');
    const b = path.join(repo, 'b.ts');
    const c = path.join(repo, 'c.ts');
    expect(cycles(new Map([[a, [b]], [b, [a, c]], [c, [c]]]), repo)).toEqual([['c.ts'], ['a.ts', 'b.ts']]);
    expect(cycles(new Map([[a, [b]], [b, [c]], [c, []]]), repo)).toEqual([]);
  });

  it.each(['bff/src', 'sandbox/src', 'shared/src', 'miniprogram/src'])('%s has none', (dir) => {
    const root = path.join(repo, dir);
    const graph = importGraph(root);
    expect(graph.size).toBeGreaterThan(10);
    expect(cycles(graph, root)).toEqual([]);
  });
});
