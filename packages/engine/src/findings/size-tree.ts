import { baseName, parentOf } from '../layer/normalize.js';
import type { Owner } from './copies.js';
import { TopK, type FolderSizes } from './folders.js';
import type { SizeTreeNode } from './types.js';

export interface TreeLimits {
  treeMaxChildren: number;
  treeMaxDepth: number;
  treeMinShare: number;
}

/** A folder's files as the tree can show them: the largest few, and how many there are in all. */
interface FolderFiles {
  top: TopK;
  count: number;
  size: number;
}

const depthOf = (path: string): number => {
  if (path === '') return 0;
  let d = 1;
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) d++;
  return d;
};

/**
 * The files of the final filesystem that a size tree can show: per folder above the tree's
 * depth, its `treeMaxChildren` largest files (no folder shows more) and the count and bytes of
 * the rest. Files of size 0 are never shown.
 */
export class TreeFiles {
  private readonly byFolder = new Map<string, FolderFiles>();

  constructor(private readonly limits: TreeLimits) {}

  add(owner: Owner, size: number): void {
    if (size <= 0) return;
    const dir = parentOf(owner.path);
    if (depthOf(dir) >= this.limits.treeMaxDepth) return;
    let f = this.byFolder.get(dir);
    if (!f) this.byFolder.set(dir, (f = { top: new TopK(this.limits.treeMaxChildren), count: 0, size: 0 }));
    f.top.push({ path: owner.path, size, layer: owner.layer, type: 'file' });
    f.count++;
    f.size += size;
  }

  of(dir: string): FolderFiles | undefined {
    return this.byFolder.get(dir);
  }
}

/**
 * The final filesystem as a size tree, small enough to draw and to send: under each folder the
 * largest entries down to `treeMinShare` of the whole (at most `treeMaxChildren`), the rest in
 * one `other` node; folders below `treeMaxDepth` are leaves. Sizes always add up.
 */
export function sizeTree(folders: FolderSizes, files: TreeFiles, limits: TreeLimits): SizeTreeNode {
  const total = folders.get('').size;
  const minSize = total * limits.treeMinShare;
  const subfolders = folders.subfolders();

  const build = (path: string, name: string, depth: number): SizeTreeNode => {
    const own = folders.get(path);
    const node: SizeTreeNode = { name, path, size: own.size, files: own.files, type: 'dir', layer: null };
    if (depth >= limits.treeMaxDepth) return node;
    const kids: SizeTreeNode[] = [];
    let all = { size: 0, files: 0, count: 0 };
    for (const dir of subfolders.get(path) ?? []) {
      const s = folders.get(dir);
      if (s.size <= 0) continue;
      kids.push({ name: baseName(dir), path: dir, size: s.size, files: s.files, type: 'dir', layer: null });
      all = { size: all.size + s.size, files: all.files + s.files, count: all.count + 1 };
    }
    const f = files.of(path);
    if (f) {
      for (const top of f.top.result()) kids.push({ name: baseName(top.path), path: top.path, size: top.size, files: 1, type: 'file', layer: top.layer });
      all = { size: all.size + f.size, files: all.files + f.count, count: all.count + f.count };
    }
    kids.sort((a, b) => b.size - a.size || (a.name < b.name ? -1 : 1));
    const shown: SizeTreeNode[] = [];
    let shownSum = { size: 0, files: 0 };
    for (const k of kids) {
      if (shown.length >= limits.treeMaxChildren || k.size < minSize) break;
      shown.push(k.type === 'dir' ? build(k.path, k.name, depth + 1) : k);
      shownSum = { size: shownSum.size + k.size, files: shownSum.files + k.files };
    }
    const rest = { size: all.size - shownSum.size, files: all.files - shownSum.files, count: all.count - shown.length };
    if (rest.count > 0) {
      shown.push({ name: `${rest.count} smaller`, path, size: rest.size, files: rest.files, type: 'other', layer: null });
    }
    if (shown.length) node.children = shown;
    return node;
  };
  return build('', '/', 0);
}
