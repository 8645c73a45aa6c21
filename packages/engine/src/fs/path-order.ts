const SLASH = 0x2f;

/**
 * The one order in which sorted layer streams are read and merged: depth-first pre-order of the
 * tree. Paths compare code unit by code unit, except that '/' sorts before every other character,
 * so a folder comes right before everything below it and its whole subtree comes before its next
 * sibling (`a`, `a/b`, `a/b/c`, `a-b`, `ab`). A total order on distinct paths.
 */
export function comparePaths(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x === SLASH) return -1;
    if (y === SLASH) return 1;
    return x - y;
  }
  return a.length - b.length;
}

/** `path` lies strictly below folder `dir` ('' is the root). */
export function isBelow(dir: string, path: string): boolean {
  if (dir === '') return path !== '';
  return path.length > dir.length && path.charCodeAt(dir.length) === SLASH && path.startsWith(dir);
}
