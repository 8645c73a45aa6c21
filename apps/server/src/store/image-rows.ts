import type { LayerEntry } from '@peel/engine';
import { encodeName } from '@peel/engine';
import { splitPath } from './image-path.js';

/**
 * A layer's entries → positional rows for the layer_entries insert in image-writer.ts (the merged
 * view's rows are merge-writer.ts's). A generator, so an ingest never holds a second copy.
 */

const blob = (s: string | null): Buffer | null => (s === null ? null : encodeName(s));
const xattrs = (x: Record<string, string> | null): string | null => (x ? JSON.stringify(x) : null);
const sparse = (e: LayerEntry): string | null => (e.sparse ? JSON.stringify(e.sparse.map((r) => [r.offset, r.length])) : null);

function pathCols(path: string): [Buffer, Buffer] {
  const { parent, name } = splitPath(path);
  return [encodeName(parent), encodeName(name)];
}

/**
 * A layer's own entries (tar order, in batches), then one implicit directory per parent it does
 * not declare. Holds the layer's folder paths (declared, implied), not its entries.
 */
export async function* layerEntryRows(layerKey: number, batches: AsyncIterable<readonly LayerEntry[]>): AsyncGenerator<unknown[][]> {
  const declared = new Set<string>();
  // Folders seen above an entry before any declaration of them: implied unless declared later.
  const undeclared = new Set<string>();
  let seq = 0;
  for await (const entries of batches) {
    const rows: unknown[][] = [];
    for (const e of entries) {
      rows.push([layerKey, seq++, ...pathCols(e.path), e.type, e.mode, e.uid, e.gid, e.uname, e.gname, e.size, e.mtime,
        blob(e.linkTarget), e.devMajor, e.devMinor, xattrs(e.xattrs), e.dataOffset, e.headerOffset, e.digest, 0, sparse(e)]);
      if (e.type === 'dir') declared.add(e.path);
      // An opaque marker's path is the directory it sits in: that directory exists in the tar.
      let dir = e.type === 'opaque' ? e.path : splitPath(e.path).parent;
      while (dir !== '' && !declared.has(dir) && !undeclared.has(dir)) {
        undeclared.add(dir);
        dir = splitPath(dir).parent;
      }
    }
    yield rows;
  }
  const implied: unknown[][] = [];
  for (const dir of undeclared) {
    if (declared.has(dir)) continue;
    implied.push([layerKey, seq++, ...pathCols(dir), 'dir', 0o755, 0, 0, '', '', 0, 0, null, 0, 0, null, 0, 0, null, 1, null]);
  }
  yield implied;
}
