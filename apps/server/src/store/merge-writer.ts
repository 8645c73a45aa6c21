import { MergedFs, type LayerChange, type LayerEntry, type Problem, type ShadowedNode } from '@peel/engine';
import type { Db } from './db.js';
import { insertChunked } from './chunked.js';
import { encodeName } from '@peel/engine';
import { splitPath } from './image-path.js';

/**
 * Merges an image's layers and writes the result as it goes: after each layer, its changes and
 * what it shadowed are stored and dropped, and its entry array is released (`layers[i]` is
 * emptied), so only the merged tree itself stays in memory; then the tree is stored.
 */
export async function writeMerged(db: Db, imageKey: number, layers: LayerEntry[][], opts: { chunkRows: number; check?: () => void }): Promise<{ fileCount: number; problems: Problem[] }> {
  const shadowStmt = db.prepare(`INSERT INTO fs_shadowed VALUES (${marks(15)})`);
  const changeStmt = db.prepare(`INSERT INTO layer_changes VALUES (${marks(10)})`);
  let shadowed: ShadowedNode[] = [];
  const shadowSeq = { next: 0 };
  const fs = new MergedFs({ keepChanges: false, onShadowed: (n) => shadowed.push(n) });
  for (let i = 0; i < layers.length; i++) {
    const changes = fs.applyLayer(layers[i]);
    layers[i] = [];
    const gone = shadowed;
    shadowed = [];
    await insertChunked(db, shadowStmt, shadowedRows(imageKey, gone, shadowSeq), opts.chunkRows, opts.check);
    await insertChunked(db, changeStmt, changeRows(imageKey, i, changes), opts.chunkRows, opts.check);
  }
  await insertChunked(db, db.prepare(`INSERT INTO fs_nodes VALUES (${marks(22)})`), fsNodeRows(imageKey, fs), opts.chunkRows, opts.check);
  return { fileCount: fs.size, problems: fs.problems };
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const blob = (s: string | null): Buffer | null => (s === null ? null : encodeName(s));
const xattrs = (x: Record<string, string> | null): string | null => (x ? JSON.stringify(x) : null);

function pathCols(path: string): [Buffer, Buffer] {
  const { parent, name } = splitPath(path);
  return [encodeName(parent), encodeName(name)];
}

/** Per folder: how many entries it holds, and the bytes of file content below it at any depth. */
function folderTotals(fs: MergedFs): { counts: Map<string, number>; bytes: Map<string, number> } {
  const counts = new Map<string, number>();
  const bytes = new Map<string, number>();
  for (const n of fs.nodes()) {
    const parent = splitPath(n.path).parent;
    counts.set(parent, (counts.get(parent) ?? 0) + 1);
    // A file is its own content; a hard link counts its target's bytes; a broken link none.
    if (n.content) bytes.set(parent, (bytes.get(parent) ?? 0) + n.content.entry.size);
  }
  // Each folder's own files are summed; add every folder into its parent, deepest first.
  const dirs = [...counts.keys()].filter((d) => d !== '').sort((a, b) => depth(b) - depth(a));
  for (const d of dirs) {
    const own = bytes.get(d) ?? 0;
    const parent = splitPath(d).parent;
    bytes.set(parent, (bytes.get(parent) ?? 0) + own);
  }
  return { counts, bytes };
}

function depth(path: string): number {
  let n = 0;
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) n++;
  return n;
}

function* fsNodeRows(imageKey: number, fs: MergedFs): Generator<unknown[]> {
  const { counts, bytes } = folderTotals(fs);
  for (const n of fs.nodes()) {
    const e = n.entry;
    const c = n.content;
    yield [imageKey, ...pathCols(n.path), e.type, e.mode, e.uid, e.gid, e.uname, e.gname, e.size, e.mtime,
      blob(e.linkTarget), e.devMajor, e.devMinor, xattrs(e.xattrs), n.layer, n.implicit ? 1 : 0,
      counts.get(n.path) ?? 0, c ? c.entry.digest : e.digest, c ? c.layer : null, c ? (c.seq ?? null) : null,
      e.type === 'dir' ? (bytes.get(n.path) ?? 0) : null];
  }
}

/** `seq` counts across layers: what one path lost keeps the order it was lost in. */
function* shadowedRows(imageKey: number, shadowed: readonly ShadowedNode[], seq: { next: number }): Generator<unknown[]> {
  for (const n of shadowed) {
    const e = n.entry;
    yield [imageKey, ...pathCols(n.path), seq.next++, e.type, e.mode, e.uid, e.gid, e.size, e.mtime, blob(e.linkTarget),
      n.layer, n.deletedBy, n.overwrittenBy, n.content ? n.content.entry.digest : e.digest];
  }
}

function* changeRows(imageKey: number, layer: number, changes: readonly LayerChange[]): Generator<unknown[]> {
  let seq = 0;
  for (const c of changes) {
    yield [imageKey, layer, seq++, encodeName(c.path), c.change, c.type, c.size, c.previousLayer,
      c.metadataOnly ? 1 : 0, c.previousSize ?? null];
  }
}
