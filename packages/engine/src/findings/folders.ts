import { parentOf } from '../layer/normalize.js';
import type { SizedPath } from './types.js';

interface Sum {
  size: number;
  files: number;
}

/**
 * Files' sizes summed into every folder above them. Files are added to their own folder only;
 * the sums move up once, folder by folder, when first read (a folder is walked once, not once
 * per file under it).
 */
export class FolderSizes {
  private readonly direct = new Map<string, Sum>();
  private totals: Map<string, Sum> | null = null;

  add(path: string, size: number): void {
    const dir = parentOf(path);
    const s = this.direct.get(dir);
    if (s) {
      s.size += size;
      s.files++;
    } else {
      this.direct.set(dir, { size, files: 1 });
    }
    this.totals = null;
  }

  get(dir: string): Sum {
    return this.sums().get(dir) ?? { size: 0, files: 0 };
  }

  /**
   * The biggest folders, the root left out. A folder whose only weight is one subfolder
   * (`var` → `var/lib` → `var/lib/app`, all the same size) is shown once, as the deepest.
   */
  biggest(limit: number): SizedPath[] {
    const sums = this.sums();
    const passThrough = new Set<string>();
    for (const [dir, s] of sums) {
      if (dir === '') continue;
      const parent = sums.get(parentOf(dir));
      if (parent && parent.size === s.size && parent.files === s.files) passThrough.add(parentOf(dir));
    }
    const top = new TopK(limit);
    for (const [dir, s] of sums) {
      if (dir === '' || passThrough.has(dir) || s.size === 0) continue;
      top.push({ path: dir, size: s.size, layer: null, type: 'dir', files: s.files });
    }
    return top.result();
  }

  /** Each folder's folders that hold files, by the folder's path. */
  subfolders(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const dir of this.sums().keys()) {
      if (dir === '') continue;
      const parent = parentOf(dir);
      const list = out.get(parent);
      if (list) list.push(dir);
      else out.set(parent, [dir]);
    }
    return out;
  }

  private sums(): Map<string, Sum> {
    if (this.totals) return this.totals;
    const totals = new Map<string, Sum>();
    for (const [dir, own] of this.direct) {
      for (let d = dir; ; d = parentOf(d)) {
        const t = totals.get(d);
        if (t) {
          t.size += own.size;
          t.files += own.files;
        } else {
          totals.set(d, { size: own.size, files: own.files });
        }
        if (d === '') break;
      }
    }
    return (this.totals = totals);
  }
}

const bySizeThenPath = (a: SizedPath, b: SizedPath): number => b.size - a.size || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The `limit` first rows seen in `order`; ties keep the order they came in. Memory stays `limit` rows. */
export class Best<T> {
  private readonly rows: T[] = [];

  constructor(private readonly limit: number, private readonly order: (a: T, b: T) => number) {}

  push(row: T): void {
    if (this.limit <= 0) return;
    const rows = this.rows;
    if (rows.length >= this.limit && this.order(row, rows[rows.length - 1]) >= 0) return;
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.order(rows[mid], row) <= 0) lo = mid + 1;
      else hi = mid;
    }
    rows.splice(lo, 0, row);
    if (rows.length > this.limit) rows.pop();
  }

  result(): T[] {
    return [...this.rows];
  }
}

/** The `limit` largest rows seen, largest first; ties by path so results are stable. */
export class TopK extends Best<SizedPath> {
  constructor(limit: number) {
    super(limit, bySizeThenPath);
  }
}
