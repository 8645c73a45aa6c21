import type { Db } from './db.js';
import { deleteChunked } from './chunked.js';

/**
 * Removes an image's rows (its draft too), and the layers no other image uses, in chunks.
 * Returns the blob digests the image and its draft referenced: candidates for the blob collector, which keeps those that
 * another image still needs. Callers serialise it with writes (WriteQueue).
 */
export async function purgeImage(db: Db, key: number, chunk: number): Promise<string[]> {
  db.prepare(`UPDATE images SET state = 'deleting' WHERE key = ?`).run(key);
  const byImage = 'image = ?';
  await deleteChunked(db, 'fs_nodes', 'image, parent, name', byImage, [key], chunk);
  await deleteChunked(db, 'fs_shadowed', 'image, parent, name, seq', byImage, [key], chunk);
  await deleteChunked(db, 'layer_changes', 'image, layer, seq', byImage, [key], chunk);
  await deleteChunked(db, 'archive_entries', 'image, seq', byImage, [key], chunk);

  const layerKeys = db.prepare(`SELECT DISTINCT layer FROM image_layers WHERE image = ?`).pluck().all(key) as number[];
  db.prepare(`DELETE FROM image_layers WHERE image = ?`).run(key);
  const stillUsed = db.prepare(`SELECT 1 FROM image_layers WHERE layer = ? LIMIT 1`).pluck();
  for (const layer of layerKeys) {
    if (stillUsed.get(layer)) continue;
    await deleteChunked(db, 'layer_entries', 'layer, seq', 'layer = ?', [layer], chunk);
    db.prepare(`DELETE FROM layers WHERE key = ?`).run(layer);
  }

  const blobs = db.prepare(`SELECT digest FROM image_blobs WHERE image = ?
    UNION SELECT blob FROM draft_ops WHERE image = ? AND blob IS NOT NULL`).pluck().all(key, key) as string[];
  db.transaction(() => {
    db.prepare(`DELETE FROM draft_ops WHERE image = ?`).run(key);
    db.prepare(`DELETE FROM drafts WHERE image = ?`).run(key);
    db.prepare(`DELETE FROM image_blobs WHERE image = ?`).run(key);
    db.prepare(`DELETE FROM images WHERE key = ?`).run(key);
  })();
  return blobs;
}

/** Keys of images left 'pending' or 'deleting' by a process that stopped mid-way. */
export function unfinishedImages(db: Db): number[] {
  return db.prepare(`SELECT key FROM images WHERE state != 'ready'`).pluck().all() as number[];
}
