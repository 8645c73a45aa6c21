import { IMAGE_BLOBS, IMAGE_BULK_TABLES, IMAGE_LAST_DELETES } from '../purge-order.js';
import { named, type PgConn } from './conn.js';

/*
 * Several processes share the database: a layer is shared by every image that links it, and a
 * purge in one process may meet an ingest in another that is about to link the same layer. So a
 * layer is dropped in a transaction that locks its row and finds it unlinked, and its row goes
 * before its entries: from then on no lookup finds it (a new ingest of it writes a new row under a
 * new key), and the orphaned entries are deleted in chunks. A layer row being dropped is marked
 * entry_count = DROPPING first, so that the drop can be finished by any process if this one stops.
 */
export const WRITING = -1;
export const DROPPING = -2;

/**
 * Removes an image's rows (its draft and cached findings too), and the layers no other image
 * uses, in chunks (in the order of purge-order.ts). Returns the blob digests the image and its draft referenced: candidates for
 * the blob collector, which keeps those that another image still needs.
 */
export async function purgeImage(c: PgConn, key: number, chunk: number): Promise<string[]> {
  await c.run(`UPDATE images SET state = 'deleting' WHERE key = $1 AND state <> 'deleting'`, [key]);
  for (const { table } of IMAGE_BULK_TABLES) await c.deleteChunked(table, 'image = $1', [key], chunk);
  const layers = await c.tx(async (t) => {
    const linked = (await t.rows<{ layer: number }>(`SELECT DISTINCT layer FROM image_layers WHERE image = $1`, [key])).map((r) => r.layer);
    await t.run(`DELETE FROM image_layers WHERE image = $1`, [key]);
    return linked;
  });
  await dropUnusedLayers(c, layers, chunk);
  return c.tx(async (t) => {
    // One parameter: every @key is $1.
    const blobs = (await t.rows<{ digest: string }>(named(IMAGE_BLOBS).text, [key])).map((r) => r.digest);
    for (const sql of IMAGE_LAST_DELETES) await t.run(named(sql).text, [key]);
    return blobs;
  });
}

/** Deletes those of `layers` that no image links to any more (see above). */
export async function dropUnusedLayers(c: PgConn, layers: readonly number[], chunk: number): Promise<void> {
  for (const layer of layers) {
    const unused = await c.tx(async (t) => {
      // The row lock orders this against an ingest linking the layer (writeLayer locks it too).
      const row = await t.one(`SELECT key FROM layers WHERE key = $1 FOR UPDATE`, [layer]);
      if (!row || (await t.one(`SELECT 1 AS linked FROM image_layers WHERE layer = $1 LIMIT 1`, [layer]))) return false;
      await t.run(`UPDATE layers SET entry_count = ${DROPPING} WHERE key = $1`, [layer]);
      return true;
    });
    if (unused) await finishDrop(c, layer, chunk);
  }
}

/** Deletes a DROPPING layer's entries, then its row. */
export async function finishDrop(c: PgConn, layer: number, chunk: number): Promise<void> {
  await c.deleteChunked('layer_entries', 'layer = $1', [layer], chunk);
  await c.run(`DELETE FROM layers WHERE key = $1 AND entry_count = ${DROPPING}`, [layer]);
}
