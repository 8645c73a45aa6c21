import { parentOf } from '../layer/normalize.js';
import type { SizedPath } from './types.js';

/** Files' sizes summed into every folder above them. */
export class FolderSizes {
  private readonly sizes = new Map<string, { size: number; files: number }>();

  add(path: string, size: number): void {
    for (let dir = parentOf(path); ; dir = parentOf(dir)) {
      let s = this.sizes.get(dir);
      if (!s) this.sizes.set(dir, (s = { size: 0, files: 0 }));
      s.size += size;
      s.files++;
      if (dir === '') break;
    }
  }

  get(dir: string): { size: number; files: number } {
    return this.sizes.get(dir) ?? { size: 0, files: 0 };
  }

  /**
   * The biggest folders, the root left out. A folder whose only weight is one subfolder
   * (`var` → `var/lib` → `var/lib/app`, all the same size) is shown once, as the deepest.
   */
  biggest(limit: number): SizedPath[] {
    const passThrough = new Set<string>();
    for (const [dir, s] of this.sizes) {
      if (dir === '') continue;
      const parent = this.sizes.get(parentOf(dir));
      if (parent && parent.size === s.size && parent.files === s.files) passThrough.add(parentOf(dir));
    }
    const rows: SizedPath[] = [];
    for (const [dir, s] of this.sizes) {
      if (dir === '' || passThrough.has(dir) || s.size === 0) continue;
      rows.push({ path: dir, size: s.size, layer: null, type: 'dir', files: s.files });
    }
    return topBy(rows, limit);
  }
}

/** The `limit` largest rows, largest first; ties by path so results are stable. */
export function topBy(rows: SizedPath[], limit: number): SizedPath[] {
  return rows.sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).slice(0, limit);
}
