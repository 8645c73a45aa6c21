import type { Findings, SizedPath, SizeTreeNode } from './types.js';

const abs = (path: string): string => `/${path}`;
const sized = (p: SizedPath): SizedPath => ({ ...p, path: abs(p.path) });
const tree = (n: SizeTreeNode): SizeTreeNode => (n.children ? { ...n, path: abs(n.path), children: n.children.map(tree) } : { ...n, path: abs(n.path) });

/**
 * The same findings with absolute paths (`/etc/passwd`, the root `/`), the way the API and the
 * CLI show them. File secrets' paths change; Env and label names do not.
 */
export function withAbsolutePaths(f: Findings): Findings {
  return {
    ...f,
    secrets: f.secrets.map((s) => (s.source === 'file' && s.path !== null ? { ...s, path: abs(s.path) } : s)),
    waste: {
      ...f.waste,
      items: f.waste.items.map((i) => (i.kind === 'removed' ? { ...i, path: abs(i.path) } : { ...i, copies: i.copies.map((c) => ({ ...c, path: abs(c.path) })) })),
    },
    sizes: {
      ...f.sizes,
      layers: f.sizes.layers.map((l) => ({ ...l, biggestFiles: l.biggestFiles.map(sized), biggestDirs: l.biggestDirs.map(sized) })),
      biggestFiles: f.sizes.biggestFiles.map(sized),
      biggestDirs: f.sizes.biggestDirs.map(sized),
      tree: tree(f.sizes.tree),
    },
  };
}
