import type { ImageArchive, LayerEntry, MergedFs, ResolvedImage } from '@peel/engine';
import type { Db } from './db.js';
import { insertChunked } from './chunked.js';
import { changeRows, entrySeqs, fsNodeRows, layerEntryRows, shadowedRows } from './image-rows.js';
import { encodePath } from './path-codec.js';
import { purgeImage } from './image-purge.js';

/** Everything an ingest learned about one image, ready to be stored. */
export interface ImagePlan {
  id: string;
  name: string;
  archive: ImageArchive;
  image: ResolvedImage;
  /** Entries of image.layers[i], in tar order. */
  layers: LayerEntry[][];
  fs: MergedFs;
}

export interface WriteOptions {
  chunkRows: number;
  /** Throws to abandon the write (e.g. the client went away); the rows written so far are purged. */
  check?: () => void;
}

/**
 * Stores an image. Callers serialise writes (WriteQueue), so the "is this layer stored?" checks
 * cannot race. The image row stays 'pending', invisible to every reader, until the last chunk
 * is in; any failure purges what was written.
 */
export async function writeImage(db: Db, plan: ImagePlan, opts: WriteOptions): Promise<{ key: number; created: boolean; released: string[] }> {
  const existing = db.prepare(`SELECT key, state FROM images WHERE id = ?`).get(plan.id) as { key: number; state: string } | undefined;
  if (existing?.state === 'ready') return { key: existing.key, created: false, released: [] };
  // Being deleted while the same archive came in again: finish the delete, then store anew.
  const released = existing ? await purgeImage(db, existing.key, opts.chunkRows) : [];

  const { key, newLayers } = db.transaction(() => insertHeads(db, plan))();
  try {
    const layerStmt = db.prepare(`INSERT INTO layer_entries VALUES (${marks(20)})`);
    for (const { layerKey, entries } of newLayers) {
      await insertChunked(db, layerStmt, layerEntryRows(layerKey, entries), opts.chunkRows, opts.check);
    }
    const seqs = entrySeqs(plan.layers);
    await insertChunked(db, db.prepare(`INSERT INTO fs_nodes VALUES (${marks(21)})`), fsNodeRows(key, plan.fs, seqs), opts.chunkRows, opts.check);
    await insertChunked(db, db.prepare(`INSERT INTO fs_shadowed VALUES (${marks(15)})`), shadowedRows(key, plan.fs.allShadowed()), opts.chunkRows, opts.check);
    await insertChunked(db, db.prepare(`INSERT INTO layer_changes VALUES (${marks(10)})`), changeRows(key, plan.fs, plan.layers.length), opts.chunkRows, opts.check);
    await insertChunked(db, db.prepare(`INSERT INTO archive_entries VALUES (${marks(10)})`), archiveRows(key, plan.archive), opts.chunkRows, opts.check);
    opts.check?.();
    db.prepare(`UPDATE images SET state = 'ready' WHERE key = ?`).run(key);
    return { key, created: true, released };
  } catch (e) {
    // The blobs stay for the ingest's own cleanup (they are its new blobs, or another image's).
    await purgeImage(db, key, opts.chunkRows);
    throw e;
  }
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** The image row, its layer list, new layer rows and blob references: one short transaction. */
function insertHeads(db: Db, plan: ImagePlan): { key: number; newLayers: Array<{ layerKey: number; entries: LayerEntry[] }> } {
  const { archive, image, fs } = plan;
  const configSize = image.configRaw.length;
  const size = image.layers.reduce((sum, l) => sum + l.size, configSize);
  const problems = [...archive.problems, ...fs.problems];
  const key = Number(db.prepare(`INSERT INTO images (id, state, name, tags, format, platform, platforms, manifest_digest,
      manifest_media_type, config_digest, config, history, problems, archive_digest, archive_size, outer_compression,
      size, layer_count, file_count, created_at)
    VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    plan.id, plan.name, JSON.stringify(image.tags), archive.format, JSON.stringify(image.platform), JSON.stringify(archive.platforms),
    image.manifestDigest, image.manifestMediaType, image.configDigest, image.configRaw, JSON.stringify(image.history),
    JSON.stringify(problems), archive.archiveDigest, archive.archiveSize, archive.outerCompression, size, image.layers.length,
    fs.size, new Date().toISOString(),
  ).lastInsertRowid);

  const findLayer = db.prepare(`SELECT key FROM layers WHERE digest = ?`).pluck();
  const insertLayer = db.prepare(`INSERT INTO layers (digest, diff_id, compression, size, uncompressed_size, tar_blob,
    entry_count, content_size, problems) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertImageLayer = db.prepare(`INSERT INTO image_layers VALUES (?, ?, ?, ?, ?, ?)`);
  const newLayers: Array<{ layerKey: number; entries: LayerEntry[] }> = [];
  const seen = new Map<string, number>();
  image.layers.forEach((l, i) => {
    let layerKey = seen.get(l.blob) ?? (findLayer.get(l.blob) as number | undefined);
    if (layerKey === undefined) {
      const scan = archive.layerScans.get(l.blob);
      layerKey = Number(insertLayer.run(l.blob, l.diffId, l.compression, l.size, l.uncompressedSize, l.tarBlob, l.entryCount,
        l.contentSize, JSON.stringify(scan?.problems ?? [])).lastInsertRowid);
      newLayers.push({ layerKey, entries: plan.layers[i] });
    }
    seen.set(l.blob, layerKey);
    const history = image.history.findIndex((h) => h.layer === i);
    insertImageLayer.run(key, i, layerKey, l.mediaType, l.archivePath, history < 0 ? null : history);
  });

  const blobs = new Set([...archive.blobs, image.configDigest, ...image.layers.flatMap((l) => [l.blob, l.tarBlob])]);
  const insertBlob = db.prepare(`INSERT OR IGNORE INTO image_blobs VALUES (?, ?)`);
  for (const d of blobs) insertBlob.run(key, d);
  return { key, newLayers };
}

function* archiveRows(key: number, archive: ImageArchive): Generator<unknown[]> {
  let seq = 0;
  for (const e of archive.entries) {
    yield [key, seq++, encodePath(e.path), e.type, e.size, e.digest, e.linkTarget === null ? null : encodePath(e.linkTarget),
      e.role, e.label, e.mediaType];
  }
}
