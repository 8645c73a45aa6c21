import { describe, expect, it } from 'vitest';
import ts from 'typescript';

// Every source file of every feature, as text (Vite reads them; no file system access needed).
const sources = import.meta.glob<string>('./*/**/*.{ts,tsx}', { query: '?raw', import: 'default', eager: true });

/** `a/b/../c` → `a/c`, for paths relative to this folder. */
function normalise(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
}

/** The feature a path (relative to this folder) lies in; null outside the features. */
function featureOf(path: string): string | null {
  const parts = path.split('/');
  return parts.length > 1 && parts[0] !== '' ? parts[0] : null;
}

/** Which features each feature imports (through any relative import, types included). */
function featureGraph(files: Record<string, string>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [file, text] of Object.entries(files)) {
    const from = featureOf(normalise(file));
    if (!from) continue;
    const edges = graph.get(from) ?? graph.set(from, new Set()).get(from)!;
    const dir = file.slice(0, file.lastIndexOf('/'));
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const to = featureOf(normalise(`${dir}/${fileName}`));
      if (to && to !== from) edges.add(to);
    }
  }
  return graph;
}

/** One cycle of the graph as a path (`a → b → a`), or null when it has none. */
function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

describe('features', () => {
  it('import each other without a cycle', () => {
    const graph = featureGraph(sources);
    // The glob found the features (a wrong pattern would make this test pass on nothing).
    expect(graph.size).toBeGreaterThan(10);
    expect(graph.get('files')).toContain('draft');
    expect(findCycle(graph)?.join(' → ') ?? 'no cycle').toBe('no cycle');
  });

  it('cycle finder reports a cycle through several features, and none in a chain', () => {
    const graph = featureGraph({
      './a/A.tsx': "import { B } from '../b/index.js';",
      './b/api/b.ts': "export { C } from '../../c/index.js';",
      './c/C.ts': "import type { A } from '../a/index.js'; import './c.css';",
      './d/D.ts': "import { A } from '../a/index.js';",
    });
    expect(findCycle(graph)).toEqual(['a', 'b', 'c', 'a']);
    graph.get('c')!.delete('a');
    expect(findCycle(graph)).toBeNull();
  });
});
