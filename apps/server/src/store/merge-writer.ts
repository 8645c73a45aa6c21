import { StreamMerge, type LayerChange, type MergeItem, type MergeLayerSource, type Problem, type ShadowedNode } from '@peel/engine';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { insertBatches } from './chunked.js';
import { encodeName } from '@peel/engine';
import { splitPath } from './image-path.js';

/**
 * Merges an image's layers with the engine's streaming merge and writes what it yields as it
 * comes: merged nodes (each folder after its subtree, with its entry count and the bytes below
 * it), each layer's changes and what the layers shadowed. Nothing of the image is held whole.
 */
export async function writeMerged(db: Db, imageKey: number, layers: MergeLayerSource[], opts: { chunkRows: number; check?: () => void }): Promise<{ fileCount: number; problems: Problem[] }> {
  const stmts = {
    node: db.prepare(`INSERT INTO fs_nodes VALUES (${marks(22)})`),
    shadowed: db.prepare(`INSERT INTO fs_shadowed VALUES (${marks(15)})`),
    change: db.prepare(`INSERT INTO layer_changes VALUES (${marks(10)})`),
  };
  const merge = new StreamMerge(layers);
  await insertBatches(db, rows(imageKey, merge.items(), stmts), opts.chunkRows, opts.check);
  return { fileCount: merge.nodeCount, problems: merge.problems };
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const blob = (s: string | null): Buffer | null => (s === null ? null : encodeName(s));
const xattrs = (x: Record<string, string> | null): string | null => (x ? JSON.stringify(x) : null);

function pathCols(path: string): [Buffer, Buffer] {
  const { parent, name } = splitPath(path);
  return [encodeName(parent), encodeName(name)];
}

async function* rows(imageKey: number, items: AsyncIterable<MergeItem[]>, stmts: Record<'node' | 'shadowed' | 'change', Statement>): AsyncGenerator<Array<[Statement, unknown[]]>> {
  // `seq` of a shadowed row counts across layers: what one path lost keeps the order it was lost in.
  let shadowSeq = 0;
  const changeSeq: number[] = [];
  for await (const batch of items) {
    const out: Array<[Statement, unknown[]]> = [];
    for (const item of batch) {
      if (item.kind === 'node') out.push([stmts.node, nodeRow(imageKey, item)]);
      else if (item.kind === 'shadowed') out.push([stmts.shadowed, shadowedRow(imageKey, item.node, shadowSeq++)]);
      else out.push([stmts.change, changeRow(imageKey, item.layer, (changeSeq[item.layer] = (changeSeq[item.layer] ?? -1) + 1), item.change)]);
    }
    yield out;
  }
}

function nodeRow(imageKey: number, { node: n, childCount, bytesBelow }: Extract<MergeItem, { kind: 'node' }>): unknown[] {
  const e = n.entry;
  const c = n.content;
  return [imageKey, ...pathCols(n.path), e.type, e.mode, e.uid, e.gid, e.uname, e.gname, e.size, e.mtime,
    blob(e.linkTarget), e.devMajor, e.devMinor, xattrs(e.xattrs), n.layer, n.implicit ? 1 : 0,
    childCount, c ? c.entry.digest : e.digest, c ? c.layer : null, c ? (c.seq ?? null) : null, bytesBelow];
}

function shadowedRow(imageKey: number, n: ShadowedNode, seq: number): unknown[] {
  const e = n.entry;
  return [imageKey, ...pathCols(n.path), seq, e.type, e.mode, e.uid, e.gid, e.size, e.mtime, blob(e.linkTarget),
    n.layer, n.deletedBy, n.overwrittenBy, n.content ? n.content.entry.digest : e.digest];
}

function changeRow(imageKey: number, layer: number, seq: number, c: LayerChange): unknown[] {
  return [imageKey, layer, seq, encodeName(c.path), c.change, c.type, c.size, c.previousLayer, c.metadataOnly ? 1 : 0, c.previousSize ?? null];
}
