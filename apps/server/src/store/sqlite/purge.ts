import { IMAGE_BLOBS, IMAGE_BULK_TABLES, IMAGE_LAST_DELETES } from '../purge-order.js';
import type { Conn } from './conn.js';

/** The substring search's index of an image (SQLite's own: see migrations.ts). */
const SEARCH_INDEX_TABLES = [
  { table: 'fs_folders', key: 'image, folder' },
  { table: 'fs_names', key: 'image, name' },
  { table: 'fs_by_name', key: 'image, name, parent, deleted, seq' },
  { table: 'fs_name_counts', key: 'image, name' },
  { table: 'fs_by_name_ready', key: 'image' },
] as const;

/**
 * Removes an image's rows (its draft and cached findings too), and the layers no other image
 * uses, in chunks (in the order of purge-order.ts). Returns the blob digests the image and its
 * draft referenced: candidates for the blob collector, which keeps those that another image still needs.
 */
export async function purgeImage(c: Conn, key: number, chunk: number): Promise<string[]> {
  await c.write(() => c.stmt(`UPDATE images SET state = 'deleting' WHERE key = ? AND state <> 'deleting'`).run(key));
  for (const t of IMAGE_BULK_TABLES) await c.deleteChunked(t.table, t.key, 'image = ?', [key], chunk);
  for (const t of SEARCH_INDEX_TABLES) await c.deleteChunked(t.table, t.key, 'image = ?', [key], chunk);

  const layerKeys = c.stmt(`SELECT DISTINCT layer FROM image_layers WHERE image = ?`).pluck().all(key) as number[];
  await c.write(() => c.stmt(`DELETE FROM image_layers WHERE image = ?`).run(key));
  await dropUnusedLayers(c, layerKeys, chunk);

  return c.write(() => {
    const blobs = c.stmt(IMAGE_BLOBS).pluck().all({ key }) as string[];
    for (const sql of IMAGE_LAST_DELETES) c.stmt(sql).run({ key });
    return blobs;
  });
}

/** Deletes those of `layers` that no image links to any more (their entries in chunks). */
export async function dropUnusedLayers(c: Conn, layers: readonly number[], chunk: number): Promise<void> {
  const stillUsed = c.stmt(`SELECT 1 FROM image_layers WHERE layer = ? LIMIT 1`).pluck();
  for (const layer of layers) {
    if (stillUsed.get(layer)) continue;
    await c.deleteChunked('layer_entries', 'layer, seq', 'layer = ?', [layer], chunk);
    await c.write(() => {
      // Linked again meanwhile (another ingest of the same layer): keep it.
      if (!stillUsed.get(layer)) c.stmt(`DELETE FROM layers WHERE key = ?`).run(layer);
    });
  }
}
