import { encodeName, type ArchiveEntry, type LayerEntry } from '@peel/engine';
import { splitPath } from './image-path.js';
import { bytesOf, pathCols, sparseJson, xattrsJson } from './rows.js';
import type { ChangeRow, ImageFacts, MergedNodeRow, Rows, ShadowedRow } from './types.js';

/**
 * What an ingest writes, as the column lists and row values both stores insert (SQLite one row per
 * statement, PostgreSQL many per statement): the values of a row are in its list's order.
 */

export const LAYER_ENTRY_COLS = ['layer', 'seq', 'parent', 'name', 'type', 'mode', 'uid', 'gid', 'uname', 'gname', 'size', 'mtime',
  'link_target', 'dev_major', 'dev_minor', 'xattrs', 'data_offset', 'header_offset', 'digest', 'implicit', 'sparse'] as const;
export const NODE_COLS = ['image', 'parent', 'name', 'type', 'mode', 'uid', 'gid', 'uname', 'gname', 'size', 'mtime', 'link_target',
  'dev_major', 'dev_minor', 'xattrs', 'layer', 'implicit', 'child_count', 'digest', 'content_layer', 'content_seq', 'bytes_below'] as const;
export const SHADOWED_COLS = ['image', 'parent', 'name', 'seq', 'type', 'mode', 'uid', 'gid', 'size', 'mtime', 'link_target',
  'layer', 'deleted_by', 'overwritten_by', 'digest'] as const;
export const CHANGE_INSERT_COLS = ['image', 'layer', 'seq', 'path', 'change', 'type', 'size', 'previous_layer', 'metadata_only', 'previous_size'] as const;
export const ARCHIVE_INSERT_COLS = ['image', 'seq', 'path', 'type', 'size', 'digest', 'link_target', 'role', 'label', 'media_type'] as const;

/** Row of layer_entries (the implied folders included). */
export interface LayerEntryInsert {
  entry: LayerEntry;
  implicit: boolean;
}

export function layerEntryValues(layer: number, seq: number, { entry: e, implicit }: LayerEntryInsert): unknown[] {
  const { parent, name } = pathCols(e.path);
  return [layer, seq, parent, name, e.type, e.mode, e.uid, e.gid, e.uname, e.gname, e.size, e.mtime, bytesOf(e.linkTarget), e.devMajor, e.devMinor,
    xattrsJson(e.xattrs), e.dataOffset, e.headerOffset, e.digest, implicit ? 1 : 0, sparseJson(e)];
}

export function nodeValues(image: number, n: MergedNodeRow): unknown[] {
  const e = n.entry;
  const { parent, name } = pathCols(n.path);
  return [image, parent, name, e.type, e.mode, e.uid, e.gid, e.uname, e.gname, e.size, e.mtime, bytesOf(e.linkTarget), e.devMajor, e.devMinor,
    xattrsJson(e.xattrs), n.layer, n.implicit ? 1 : 0, n.childCount, n.digest, n.contentLayer, n.contentSeq, n.bytesBelow];
}

export function shadowedValues(image: number, n: ShadowedRow): unknown[] {
  const e = n.entry;
  const { parent, name } = pathCols(n.path);
  return [image, parent, name, n.seq, e.type, e.mode, e.uid, e.gid, e.size, e.mtime, bytesOf(e.linkTarget), n.layer, n.deletedBy, n.overwrittenBy, n.digest];
}

export function changeValues(image: number, c: ChangeRow): unknown[] {
  return [image, c.layer, c.seq, encodeName(c.path), c.change, c.type, c.size, c.previousLayer, c.metadataOnly ? 1 : 0, c.previousSize];
}

export function archiveEntryValues(image: number, seq: number, e: ArchiveEntry): unknown[] {
  return [image, seq, encodeName(e.path), e.type, e.size, e.digest, bytesOf(e.linkTarget), e.role, e.label, e.mediaType];
}

/** The images columns a finished ingest sets (beside id and state), in this order. */
export const READY_IMAGE_COLS = ['name', 'tags', 'format', 'platform', 'platforms', 'manifest_digest', 'manifest_media_type', 'config_digest',
  'config', 'history', 'problems', 'archive_digest', 'archive_size', 'outer_compression', 'size', 'layer_count', 'file_count', 'created_at'] as const;

/** The values of READY_IMAGE_COLS for an image an ingest completes. */
export function readyImageValues(facts: ImageFacts): unknown[] {
  const { archive, image } = facts;
  const size = image.layers.reduce((sum, l) => sum + l.size, image.configRaw.length);
  return [facts.name, JSON.stringify(image.tags), archive.format, JSON.stringify(image.platform), JSON.stringify(archive.platforms),
    image.manifestDigest, image.manifestMediaType, image.configDigest, image.configRaw, JSON.stringify(image.history),
    JSON.stringify([...archive.problems, ...facts.mergeProblems]), archive.archiveDigest, archive.archiveSize, archive.outerCompression,
    size, image.layers.length, facts.fileCount, new Date().toISOString()];
}

/**
 * A layer's own entries (tar order) as they pass, counted, then one implicit directory per
 * parent they do not declare.
 */
export class LayerRows {
  entries = 0;
  content = 0;
  private readonly declared = new Set<string>();
  private readonly parents = new Set<string>();

  see(e: LayerEntry): LayerEntryInsert {
    this.entries++;
    if (e.type === 'file') this.content += e.size;
    if (e.type === 'dir') this.declared.add(e.path);
    // An opaque marker's path is the directory it sits in: that directory exists in the tar.
    this.parents.add(e.type === 'opaque' ? e.path : splitPath(e.path).parent);
    return { entry: e, implicit: false };
  }

  *impliedFolders(): Generator<LayerEntryInsert> {
    const implied = new Set<string>();
    for (let dir of this.parents) {
      while (dir !== '' && !this.declared.has(dir) && !implied.has(dir)) {
        implied.add(dir);
        dir = splitPath(dir).parent;
      }
    }
    for (const dir of implied) yield { entry: impliedFolder(dir), implicit: true };
  }

  rows(entries: Rows<LayerEntry>): Rows<LayerEntryInsert> {
    if (Symbol.asyncIterator in entries) return this.rowsAsync(entries);
    return (function* (self: LayerRows) {
      for (const e of entries) yield self.see(e);
      yield* self.impliedFolders();
    })(this);
  }

  private async *rowsAsync(entries: AsyncIterable<readonly LayerEntry[]>): AsyncGenerator<LayerEntryInsert[]> {
    for await (const batch of entries) yield batch.map((e) => this.see(e));
    let implied: LayerEntryInsert[] = [];
    for (const row of this.impliedFolders()) {
      implied.push(row);
      if (implied.length === IMPLIED_BATCH) {
        yield implied;
        implied = [];
      }
    }
    if (implied.length) yield implied;
  }
}

const IMPLIED_BATCH = 256;

const impliedFolder = (path: string): LayerEntry => ({
  path, type: 'dir', mode: 0o755, uid: 0, gid: 0, uname: '', gname: '', size: 0, mtime: 0, linkTarget: null,
  devMajor: 0, devMinor: 0, xattrs: null, dataOffset: 0, headerOffset: 0, digest: null,
});
