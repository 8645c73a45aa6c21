import { randomUUID } from 'node:crypto';
import type { ImageArchive, LayerEntry, MergeLayerSource, OpenOptions, ResolvedImage } from '@peel/engine';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { deleteChunked, insertBatches, insertChunked } from './chunked.js';
import { layerEntryRows } from './image-rows.js';
import { encodeName } from '@peel/engine';
import { purgeImage } from './image-purge.js';
import { writeMerged } from './merge-writer.js';

/** A blob that indexed as a layer tar, as the engine reports it during the scan. */
export type ScannedLayer = Parameters<NonNullable<OpenOptions['onLayer']>>[0];

/** Everything an ingest learned about one image, ready to be stored. */
export interface ImagePlan {
  id: string;
  name: string;
  archive: ImageArchive;
  image: ResolvedImage;
  /** image.layers[i]'s entries, sorted for the streaming merge. */
  layers: MergeLayerSource[];
}

export interface WriteOptions {
  chunkRows: number;
  /** Throws to abandon the write (e.g. the client went away); the rows written so far are purged. */
  check?: () => void;
}

/*
 * An ingest stores its image in three steps, each run through the WriteQueue (so "is this layer
 * stored?" checks cannot race): beginImage makes a 'pending' image row under a temporary id;
 * writeLayer stores each layer's entries as soon as the scan has read it, and links it to the
 * pending image (idx < 0: provisional), so that a purge of another image sharing the layer keeps
 * it; finishImage links the real layer list, merges and writes the rest, and flips the row to
 * 'ready' under its real id. Until then no reader sees any of it, and a crash at any point
 * leaves a pending image that the startup purge removes with every layer only it used.
 */

/** A pending image row with placeholder columns; returns its key. */
export function beginImage(db: Db): number {
  return Number(db.prepare(`INSERT INTO images (id, state, name, tags, format, platform, platforms, config_digest, config, history,
      problems, archive_digest, archive_size, outer_compression, size, layer_count, file_count, created_at)
    VALUES (?, 'pending', '', '[]', '', '{}', '[]', '', x'', '[]', '[]', '', 0, 'none', 0, 0, 0, ?)`)
    .run(`pending:${randomUUID()}`, new Date().toISOString()).lastInsertRowid);
}

/** Stores a scanned layer's rows unless the layer is stored already, and links it provisionally to image `key`. */
export async function writeLayer(db: Db, key: number, layer: ScannedLayer, opts: WriteOptions): Promise<void> {
  opts.check?.();
  // The layer row and its link commit together: no layer row is ever without an image.
  const { layerKey, fresh } = db.transaction(() => {
    const found = db.prepare(`SELECT key FROM layers WHERE digest = ?`).pluck().get(layer.digest) as number | undefined;
    const k = found ?? Number(db.prepare(`INSERT INTO layers (digest, diff_id, compression, size, uncompressed_size, tar_blob,
      entry_count, content_size, problems) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(layer.digest, layer.diffId, layer.compression,
      layer.size, layer.uncompressedSize, layer.tarBlob, layer.entryCount, layer.contentSize, JSON.stringify(layer.problems)).lastInsertRowid);
    const idx = -1 - (db.prepare(`SELECT count(*) FROM image_layers WHERE image = ? AND idx < 0`).pluck().get(key) as number);
    db.prepare(`INSERT INTO image_layers VALUES (?, ?, ?, '', ?, NULL)`).run(key, idx, k, layer.path);
    return { layerKey: k, fresh: found === undefined };
  })();
  if (!fresh) return;
  // The link above keeps the half-written layer ours: a failure purges it with the pending image.
  const stmt = db.prepare(`INSERT INTO layer_entries VALUES (${marks(21)})`);
  await insertBatches(db, tagged(stmt, layerEntryRows(layerKey, entryBatches(layer))), opts.chunkRows, opts.check);
}

/** A scanned layer's entries in tar order: from its sorted runs, or its array. */
async function* entryBatches(layer: ScannedLayer): AsyncGenerator<readonly LayerEntry[]> {
  if (!layer.runs) {
    yield layer.entries;
    return;
  }
  for await (const batch of layer.runs.entries()) yield batch.map((r) => r.entry);
}

async function* tagged(stmt: Statement, batches: AsyncIterable<unknown[][]>): AsyncGenerator<Array<[Statement, unknown[]]>> {
  for await (const rows of batches) yield rows.map((r): [Statement, unknown[]] => [stmt, r]);
}

/**
 * Completes pending image `key` (see above). If an image with the same id is already stored,
 * drops the pending one and answers with that. Any failure purges the pending image.
 */
export async function finishImage(db: Db, key: number, plan: ImagePlan, opts: WriteOptions): Promise<{ key: number; created: boolean; released: string[] }> {
  try {
    const existing = db.prepare(`SELECT key, state FROM images WHERE id = ?`).get(plan.id) as { key: number; state: string } | undefined;
    if (existing?.state === 'ready') {
      const released = await purgeImage(db, key, opts.chunkRows);
      return { key: existing.key, created: false, released };
    }
    // Being deleted while the same archive came in again: finish the delete, then store anew.
    const released = existing ? await purgeImage(db, existing.key, opts.chunkRows) : [];
    const provisional = db.transaction(() => linkLayers(db, key, plan))();
    await dropUnusedLayers(db, provisional, opts.chunkRows);
    const merged = await writeMerged(db, key, plan.layers, opts);
    await insertChunked(db, db.prepare(`INSERT INTO archive_entries VALUES (${marks(10)})`), archiveRows(key, plan.archive), opts.chunkRows, opts.check);
    opts.check?.();
    completeRow(db, key, plan, merged);
    return { key, created: true, released };
  } catch (e) {
    // The blobs stay for the ingest's own cleanup (they are its new blobs, or another image's).
    await purgeImage(db, key, opts.chunkRows);
    throw e;
  }
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Replaces the provisional layer links by the image's layer list and records its blobs; returns the layers that were linked provisionally. */
function linkLayers(db: Db, key: number, plan: ImagePlan): number[] {
  const { archive, image } = plan;
  const provisional = db.prepare(`SELECT DISTINCT layer FROM image_layers WHERE image = ? AND idx < 0`).pluck().all(key) as number[];
  db.prepare(`DELETE FROM image_layers WHERE image = ? AND idx < 0`).run(key);
  const findLayer = db.prepare(`SELECT key FROM layers WHERE digest = ?`).pluck();
  const insertImageLayer = db.prepare(`INSERT INTO image_layers VALUES (?, ?, ?, ?, ?, ?)`);
  image.layers.forEach((l, i) => {
    const layerKey = findLayer.get(l.blob) as number | undefined;
    // Every layer blob was reported by the scan and written by writeLayer.
    if (layerKey === undefined) throw new Error(`layer ${l.blob} was not stored during the scan`);
    const history = image.history.findIndex((h) => h.layer === i);
    insertImageLayer.run(key, i, layerKey, l.mediaType, l.archivePath, history < 0 ? null : history);
  });
  const blobs = new Set([...archive.blobs, image.configDigest, ...image.layers.flatMap((l) => [l.blob, l.tarBlob])]);
  const insertBlob = db.prepare(`INSERT OR IGNORE INTO image_blobs VALUES (?, ?)`);
  for (const d of blobs) insertBlob.run(key, d);
  return provisional;
}

/** Deletes the layers that were scanned but no image uses (tars the image does not list). */
async function dropUnusedLayers(db: Db, layers: number[], chunk: number): Promise<void> {
  const stillUsed = db.prepare(`SELECT 1 FROM image_layers WHERE layer = ? LIMIT 1`).pluck();
  for (const layer of layers) {
    if (stillUsed.get(layer)) continue;
    await deleteChunked(db, 'layer_entries', 'layer, seq', 'layer = ?', [layer], chunk);
    db.prepare(`DELETE FROM layers WHERE key = ?`).run(layer);
  }
}

function completeRow(db: Db, key: number, plan: ImagePlan, merged: { fileCount: number; problems: unknown[] }): void {
  const { archive, image } = plan;
  const size = image.layers.reduce((sum, l) => sum + l.size, image.configRaw.length);
  const problems = [...archive.problems, ...merged.problems];
  db.prepare(`UPDATE images SET id = ?, state = 'ready', name = ?, tags = ?, format = ?, platform = ?, platforms = ?, manifest_digest = ?,
      manifest_media_type = ?, config_digest = ?, config = ?, history = ?, problems = ?, archive_digest = ?, archive_size = ?,
      outer_compression = ?, size = ?, layer_count = ?, file_count = ?, created_at = ? WHERE key = ?`).run(
    plan.id, plan.name, JSON.stringify(image.tags), archive.format, JSON.stringify(image.platform), JSON.stringify(archive.platforms),
    image.manifestDigest, image.manifestMediaType, image.configDigest, image.configRaw, JSON.stringify(image.history),
    JSON.stringify(problems), archive.archiveDigest, archive.archiveSize, archive.outerCompression, size, image.layers.length,
    merged.fileCount, new Date().toISOString(), key,
  );
}

function* archiveRows(key: number, archive: ImageArchive): Generator<unknown[]> {
  let seq = 0;
  for (const e of archive.entries) {
    yield [key, seq++, encodeName(e.path), e.type, e.size, e.digest, e.linkTarget === null ? null : encodeName(e.linkTarget),
      e.role, e.label, e.mediaType];
  }
}
