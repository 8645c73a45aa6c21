import { randomUUID } from 'node:crypto';
import type { ImageArchive, LayerEntry, ResolvedImage } from '@peel/engine';
import {
  ARCHIVE_INSERT_COLS, archiveEntryValues, CHANGE_INSERT_COLS, changeValues, LAYER_ENTRY_COLS, layerEntryValues, LayerRows, NODE_COLS, nodeValues,
  READY_IMAGE_COLS, readyImageValues, SHADOWED_COLS, shadowedValues,
} from '../ingest-rows.js';
import { isLeftOver } from '../owner.js';
import { LEFTOVER_COLS, type LeftoverRow } from '../rows.js';
import type { ImageFacts, IngestOwner, IngestRepo, LayerFacts, MergeRow, PendingImage, Rows, WriteOptions } from '../types.js';
import { BatchedInsert } from './batched-insert.js';
import type { Conn } from './conn.js';
import { dropUnusedLayers, purgeImage } from './purge.js';
import { SearchIndexWriter } from './search-index.js';

/*
 * An ingest stores its image in steps: begin makes a 'pending' image row under a temporary id,
 * owned by this process; writeLayer stores each layer's entries as soon as the scan has read
 * it, and links it to the pending image (idx < 0: provisional), so that a purge of another
 * image sharing the layer keeps it; linkLayers links the real layer list; the merge's rows
 * follow; finish flips the row to 'ready' under its real id in one transaction. Until then no
 * reader sees any of it, and a crash at any point leaves a pending image that the start-up
 * cleanup removes with every layer only it used.
 */

/** Where the parent and the name are in a node's and a shadowed row's values (both lists start image, parent, name). */
const PARENT_COL = NODE_COLS.indexOf('parent');
const NAME_COL = NODE_COLS.indexOf('name');

const FLIP_TO_READY = `UPDATE images SET id = ?, state = 'ready', ${READY_IMAGE_COLS.map((c) => `${c} = ?`).join(', ')},
  owner_pid = NULL, owner_host = NULL, owner_started = NULL, heartbeat_at = NULL WHERE key = ?`;

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
    await this.c.insertChunked(new BatchedInsert(this.c, 'layer_entries', LAYER_ENTRY_COLS), rows.rows(entries), (r) => layerEntryValues(layerKey, seq++, r), opts.chunkRows, opts.check);
    // Marked complete, the layer is linked by other uploads of it: never by an upload that failed meanwhile.
    opts.check?.();
    await this.c.write(() => this.c.stmt(`UPDATE layers SET entry_count = ?, content_size = ? WHERE key = ?`).run(rows.entries, rows.content, layerKey));
  }

  async releaseLayer(pending: PendingImage, layerDigest: string, opts: WriteOptions): Promise<void> {
    const key = this.key(pending);
    const layers = await this.c.write(() => {
      const linked = this.c.stmt(`SELECT image_layers.layer FROM image_layers JOIN layers ON layers.key = image_layers.layer
        WHERE image_layers.image = ? AND image_layers.idx < 0 AND layers.digest = ?`).pluck().all(key, layerDigest) as number[];
      for (const layer of linked) this.c.stmt(`DELETE FROM image_layers WHERE image = ? AND idx < 0 AND layer = ?`).run(key, layer);
      return linked;
    });
    await dropUnusedLayers(this.c, layers, opts.chunkRows);
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
    const node = new BatchedInsert(this.c, 'fs_nodes', NODE_COLS);
    const shadowed = new BatchedInsert(this.c, 'fs_shadowed', SHADOWED_COLS);
    const change = new BatchedInsert(this.c, 'layer_changes', CHANGE_INSERT_COLS);
    const search = new SearchIndexWriter(this.c, image);
    try {
      await this.c.runChunked(rows, (r) => {
        if (r.kind === 'change') {
          change.add(changeValues(image, r.row));
          return;
        }
        const values = r.kind === 'node' ? nodeValues(image, r.row) : shadowedValues(image, r.row);
        (r.kind === 'node' ? node : shadowed).add(values);
        search.note(values[PARENT_COL] as Buffer, values[NAME_COL] as Buffer, r.kind === 'shadowed');
      }, opts.chunkRows, opts.check);
      await search.writeNames(opts.check);
    } finally {
      search.dispose();
    }
  }

  async finish(pending: PendingImage, facts: ImageFacts, opts: WriteOptions): Promise<{ created: boolean; released: string[] }> {
    const key = this.key(pending);
    const existing = this.c.stmt(`SELECT key, state FROM images WHERE id = ?`).get(facts.id) as { key: number; state: string } | undefined;
    if (existing?.state === 'ready') return { created: false, released: await purgeImage(this.c, key, opts.chunkRows) };
    // Being deleted while the same archive came in again: finish the delete, then store anew.
    const released = existing ? await purgeImage(this.c, existing.key, opts.chunkRows) : [];
    let seq = 0;
    await this.c.insertChunked(new BatchedInsert(this.c, 'archive_entries', ARCHIVE_INSERT_COLS), facts.archive.entries, (e) => archiveEntryValues(key, seq++, e), opts.chunkRows, opts.check);
    opts.check?.();
    await this.c.write(() => this.c.stmt(FLIP_TO_READY).run(facts.id, ...readyImageValues(facts), key));
    return { created: true, released };
  }

  async abandon(pending: PendingImage, opts: WriteOptions): Promise<string[]> {
    const key = this.c.stmt(`SELECT key FROM images WHERE id = ?`).pluck().get(pending.token) as number | undefined;
    return key === undefined ? [] : purgeImage(this.c, key, opts.chunkRows);
  }

  async cleanupStale(staleMs: number, opts: WriteOptions): Promise<number> {
    const rows = this.c.stmt(`SELECT ${LEFTOVER_COLS} FROM images WHERE state <> 'ready'`).all() as LeftoverRow[];
    let removed = 0;
    for (const r of rows) {
      if (!isLeftOver(r, staleMs)) continue;
      await purgeImage(this.c, r.key, opts.chunkRows);
      removed++;
    }
    return removed;
  }
}
