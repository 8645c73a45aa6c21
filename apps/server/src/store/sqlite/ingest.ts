import { randomUUID } from 'node:crypto';
import { encodeName, type ImageArchive, type LayerEntry, type ResolvedImage } from '@peel/engine';
import { splitPath } from '../image-path.js';
import type { ChangeRow, ImageFacts, IngestOwner, IngestRepo, LayerFacts, MergedNodeRow, MergeRow, PendingImage, Rows, ShadowedRow, WriteOptions } from '../types.js';
import type { Conn } from './conn.js';
import { bytesOf, pathCols, sparseJson, xattrsJson } from '../rows.js';
import { dropUnusedLayers, purgeImage } from './purge.js';
import { ownerAlive } from '../owner.js';

/*
 * An ingest stores its image in steps: begin makes a 'pending' image row under a temporary id,
 * owned by this process; writeLayer stores each layer's entries as soon as the scan has read
 * it, and links it to the pending image (idx < 0: provisional), so that a purge of another
 * image sharing the layer keeps it; linkLayers links the real layer list; the merge's rows
 * follow; finish flips the row to 'ready' under its real id in one transaction. Until then no
 * reader sees any of it, and a crash at any point leaves a pending image that the start-up
 * cleanup removes with every layer only it used.
 */

/**
 * `INSERT INTO table (columns) VALUES (?, …)`: the bulk rows bind arrays in the order of the
 * column list (better-sqlite3 binds an array faster than an object of named parameters, which
 * was a fifth of an ingest's time).
 */
const insertSql = (table: string, columns: readonly string[]): string =>
  `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;

const LAYER_ENTRY_INSERT = insertSql('layer_entries', ['layer', 'seq', 'parent', 'name', 'type', 'mode', 'uid', 'gid', 'uname', 'gname', 'size', 'mtime',
  'link_target', 'dev_major', 'dev_minor', 'xattrs', 'data_offset', 'header_offset', 'digest', 'implicit', 'sparse']);
const NODE_INSERT = insertSql('fs_nodes', ['image', 'parent', 'name', 'type', 'mode', 'uid', 'gid', 'uname', 'gname', 'size', 'mtime', 'link_target',
  'dev_major', 'dev_minor', 'xattrs', 'layer', 'implicit', 'child_count', 'digest', 'content_layer', 'content_seq', 'bytes_below']);
const SHADOWED_INSERT = insertSql('fs_shadowed', ['image', 'parent', 'name', 'seq', 'type', 'mode', 'uid', 'gid', 'size', 'mtime', 'link_target',
  'layer', 'deleted_by', 'overwritten_by', 'digest']);
const CHANGE_INSERT = insertSql('layer_changes', ['image', 'layer', 'seq', 'path', 'change', 'type', 'size', 'previous_layer', 'metadata_only', 'previous_size']);
const ARCHIVE_INSERT = insertSql('archive_entries', ['image', 'seq', 'path', 'type', 'size', 'digest', 'link_target', 'role', 'label', 'media_type']);

/** Row of layer_entries (the implied folders included). */
export interface LayerEntryInsert {
  entry: LayerEntry;
  implicit: boolean;
}

export class SqliteIngest implements IngestRepo {
  constructor(private readonly c: Conn) {}

  private key(pending: PendingImage): number {
    const key = this.c.stmt(`SELECT key FROM images WHERE id = ? AND state = 'pending'`).pluck().get(pending.token) as number | undefined;
    if (key === undefined) throw new Error(`the pending image ${pending.token} is gone`);
    return key;
  }

  async begin(owner: IngestOwner): Promise<PendingImage> {
    const token = `pending:${randomUUID()}`;
    const now = new Date().toISOString();
    await this.c.write(() => this.c.stmt(`INSERT INTO images (id, state, name, tags, format, platform, platforms, config_digest, config,
        history, problems, archive_digest, archive_size, outer_compression, size, layer_count, file_count, created_at,
        owner_pid, owner_host, owner_started, heartbeat_at)
      VALUES (@token, 'pending', '', '[]', '', '{}', '[]', '', x'', '[]', '[]', '', 0, 'none', 0, 0, 0, @now,
        @pid, @host, @started, @now)`).run({ token, now, pid: owner.pid, host: owner.host, started: owner.started }));
    return { token };
  }

  async heartbeat(pending: PendingImage): Promise<void> {
    await this.c.write(() => this.c.stmt(`UPDATE images SET heartbeat_at = ? WHERE id = ? AND state = 'pending'`).run(new Date().toISOString(), pending.token));
  }

  async writeLayer(pending: PendingImage, layer: LayerFacts, entries: Rows<LayerEntry>, opts: WriteOptions): Promise<void> {
    opts.check?.();
    const key = this.key(pending);
    // The layer row and its link commit together: no layer row is ever without an image.
    const { layerKey, fresh } = await this.c.write(() => {
      const found = this.c.stmt(`SELECT key FROM layers WHERE digest = ?`).pluck().get(layer.digest) as number | undefined;
      const k = found ?? Number(this.c.stmt(`INSERT INTO layers (digest, diff_id, compression, size, uncompressed_size, tar_blob,
          entry_count, content_size, problems)
        VALUES (@digest, @diff_id, @compression, @size, @uncompressed_size, @tar_blob, 0, 0, @problems)`).run({
        digest: layer.digest, diff_id: layer.diffId, compression: layer.compression, size: layer.size,
        uncompressed_size: layer.uncompressedSize, tar_blob: layer.tarBlob, problems: JSON.stringify(layer.problems),
      }).lastInsertRowid);
      const idx = -1 - (this.c.stmt(`SELECT count(*) FROM image_layers WHERE image = ? AND idx < 0`).pluck().get(key) as number);
      this.c.stmt(`INSERT INTO image_layers (image, idx, layer, media_type, archive_path, history) VALUES (?, ?, ?, '', ?, NULL)`).run(key, idx, k, layer.path);
      return { layerKey: k, fresh: found === undefined };
    });
    if (!fresh) return;
    // The link above keeps the half-written layer ours: a failure purges it with the pending image.
    const rows = new LayerRows();
    let seq = 0;
    await this.c.insertChunked(this.c.stmt(LAYER_ENTRY_INSERT), rows.rows(entries), (r) => layerEntryParams(layerKey, seq++, r), opts.chunkRows, opts.check);
    await this.c.write(() => this.c.stmt(`UPDATE layers SET entry_count = ?, content_size = ? WHERE key = ?`).run(rows.entries, rows.content, layerKey));
  }

  async linkLayers(pending: PendingImage, archive: ImageArchive, image: ResolvedImage, opts: WriteOptions): Promise<void> {
    const key = this.key(pending);
    const provisional = await this.c.write(() => {
      const scanned = this.c.stmt(`SELECT DISTINCT layer FROM image_layers WHERE image = ? AND idx < 0`).pluck().all(key) as number[];
      this.c.stmt(`DELETE FROM image_layers WHERE image = ? AND idx < 0`).run(key);
      const findLayer = this.c.stmt(`SELECT key FROM layers WHERE digest = ?`).pluck();
      const insertImageLayer = this.c.stmt(`INSERT INTO image_layers (image, idx, layer, media_type, archive_path, history) VALUES (?, ?, ?, ?, ?, ?)`);
      image.layers.forEach((l, i) => {
        const layerKey = findLayer.get(l.blob) as number | undefined;
        // Every layer blob was reported by the scan and written by writeLayer.
        if (layerKey === undefined) throw new Error(`layer ${l.blob} was not stored during the scan`);
        const history = image.history.findIndex((h) => h.layer === i);
        insertImageLayer.run(key, i, layerKey, l.mediaType, l.archivePath, history < 0 ? null : history);
      });
      const blobs = new Set([...archive.blobs, image.configDigest, ...image.layers.flatMap((l) => [l.blob, l.tarBlob])]);
      const insertBlob = this.c.stmt(`INSERT OR IGNORE INTO image_blobs (image, digest) VALUES (?, ?)`);
      for (const d of blobs) insertBlob.run(key, d);
      return scanned;
    });
    // The layers that were scanned but the image does not list.
    await dropUnusedLayers(this.c, provisional, opts.chunkRows);
  }

  async writeMergeRows(pending: PendingImage, rows: Rows<MergeRow>, opts: WriteOptions): Promise<void> {
    const image = this.key(pending);
    const node = this.c.stmt(NODE_INSERT);
    const shadowed = this.c.stmt(SHADOWED_INSERT);
    const change = this.c.stmt(CHANGE_INSERT);
    await this.c.runChunked(rows, (r) => {
      if (r.kind === 'node') node.run(nodeParams(image, r.row));
      else if (r.kind === 'shadowed') shadowed.run(shadowedParams(image, r.row));
      else change.run(changeParams(image, r.row));
    }, opts.chunkRows, opts.check);
  }

  async finish(pending: PendingImage, facts: ImageFacts, opts: WriteOptions): Promise<{ created: boolean; released: string[] }> {
    const key = this.key(pending);
    const existing = this.c.stmt(`SELECT key, state FROM images WHERE id = ?`).get(facts.id) as { key: number; state: string } | undefined;
    if (existing?.state === 'ready') return { created: false, released: await purgeImage(this.c, key, opts.chunkRows) };
    // Being deleted while the same archive came in again: finish the delete, then store anew.
    const released = existing ? await purgeImage(this.c, existing.key, opts.chunkRows) : [];
    let seq = 0;
    await this.c.insertChunked(this.c.stmt(ARCHIVE_INSERT), facts.archive.entries, (e) =>
      [key, seq++, encodeName(e.path), e.type, e.size, e.digest, bytesOf(e.linkTarget), e.role, e.label, e.mediaType], opts.chunkRows, opts.check);
    opts.check?.();
    const { archive, image } = facts;
    const size = image.layers.reduce((sum, l) => sum + l.size, image.configRaw.length);
    await this.c.write(() => this.c.stmt(`UPDATE images SET id = @id, state = 'ready', name = @name, tags = @tags, format = @format,
        platform = @platform, platforms = @platforms, manifest_digest = @manifest_digest, manifest_media_type = @manifest_media_type,
        config_digest = @config_digest, config = @config, history = @history, problems = @problems, archive_digest = @archive_digest,
        archive_size = @archive_size, outer_compression = @outer_compression, size = @size, layer_count = @layer_count,
        file_count = @file_count, created_at = @created_at, owner_pid = NULL, owner_host = NULL, owner_started = NULL, heartbeat_at = NULL
      WHERE key = @key`).run({
      key, id: facts.id, name: facts.name, tags: JSON.stringify(image.tags), format: archive.format, platform: JSON.stringify(image.platform),
      platforms: JSON.stringify(archive.platforms), manifest_digest: image.manifestDigest, manifest_media_type: image.manifestMediaType,
      config_digest: image.configDigest, config: image.configRaw, history: JSON.stringify(image.history),
      problems: JSON.stringify([...archive.problems, ...facts.mergeProblems]), archive_digest: archive.archiveDigest,
      archive_size: archive.archiveSize, outer_compression: archive.outerCompression, size, layer_count: image.layers.length,
      file_count: facts.fileCount, created_at: new Date().toISOString(),
    }));
    return { created: true, released };
  }

  async abandon(pending: PendingImage, opts: WriteOptions): Promise<string[]> {
    const key = this.c.stmt(`SELECT key FROM images WHERE id = ?`).pluck().get(pending.token) as number | undefined;
    return key === undefined ? [] : purgeImage(this.c, key, opts.chunkRows);
  }

  async cleanupStale(staleMs: number, opts: WriteOptions): Promise<number> {
    const rows = this.c.stmt(`SELECT key, state, owner_pid, owner_host, owner_started, heartbeat_at FROM images WHERE state <> 'ready'`).all() as Array<{
      key: number; state: string; owner_pid: number | null; owner_host: string | null; owner_started: string | null; heartbeat_at: string | null;
    }>;
    let removed = 0;
    for (const r of rows) {
      const owner = r.owner_pid === null || r.owner_host === null ? null : { pid: r.owner_pid, host: r.owner_host, started: r.owner_started ?? '' };
      const beat = r.heartbeat_at === null ? 0 : Date.parse(r.heartbeat_at);
      if (r.state === 'pending' && owner && ownerAlive(owner) && Date.now() - beat < staleMs) continue;
      await purgeImage(this.c, r.key, opts.chunkRows);
      removed++;
    }
    return removed;
  }
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

  private async *rowsAsync(entries: AsyncIterable<LayerEntry>): AsyncGenerator<LayerEntryInsert> {
    for await (const e of entries) yield this.see(e);
    yield* this.impliedFolders();
  }
}

const impliedFolder = (path: string): LayerEntry => ({
  path, type: 'dir', mode: 0o755, uid: 0, gid: 0, uname: '', gname: '', size: 0, mtime: 0, linkTarget: null,
  devMajor: 0, devMinor: 0, xattrs: null, dataOffset: 0, headerOffset: 0, digest: null,
});

function layerEntryParams(layer: number, seq: number, { entry: e, implicit }: LayerEntryInsert): unknown[] {
  const { parent, name } = pathCols(e.path);
  return [layer, seq, parent, name, e.type, e.mode, e.uid, e.gid, e.uname, e.gname, e.size, e.mtime, bytesOf(e.linkTarget), e.devMajor, e.devMinor,
    xattrsJson(e.xattrs), e.dataOffset, e.headerOffset, e.digest, implicit ? 1 : 0, sparseJson(e)];
}

function nodeParams(image: number, n: MergedNodeRow): unknown[] {
  const e = n.entry;
  const { parent, name } = pathCols(n.path);
  return [image, parent, name, e.type, e.mode, e.uid, e.gid, e.uname, e.gname, e.size, e.mtime, bytesOf(e.linkTarget), e.devMajor, e.devMinor,
    xattrsJson(e.xattrs), n.layer, n.implicit ? 1 : 0, n.childCount, n.digest, n.contentLayer, n.contentSeq, n.bytesBelow];
}

function shadowedParams(image: number, n: ShadowedRow): unknown[] {
  const e = n.entry;
  const { parent, name } = pathCols(n.path);
  return [image, parent, name, n.seq, e.type, e.mode, e.uid, e.gid, e.size, e.mtime, bytesOf(e.linkTarget), n.layer, n.deletedBy, n.overwrittenBy, n.digest];
}

function changeParams(image: number, c: ChangeRow): unknown[] {
  return [image, c.layer, c.seq, encodeName(c.path), c.change, c.type, c.size, c.previousLayer, c.metadataOnly ? 1 : 0, c.previousSize];
}
