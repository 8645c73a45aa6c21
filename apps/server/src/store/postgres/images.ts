import type { ImageId, ImageLayer, ImageRecord, ImagesRepo, StoredImage, WriteOptions } from '../types.js';
import { IMAGE_LAYER_COLS, IMAGE_SUMMARY_COLS, imageOf, layerOf, type ImageLayerRow, type ImageRow } from '../rows.js';
import type { PgConn } from './conn.js';
import { Keys } from './keys.js';
import { purgeImage } from './purge.js';

/** Image and layer lookups; only 'ready' images exist for readers. */
export class PgImages implements ImagesRepo {
  private readonly keys: Keys;

  constructor(private readonly c: PgConn) {
    this.keys = new Keys(c);
  }

  async list(): Promise<ImageRecord[]> {
    return (await this.c.rows<ImageRow>(`SELECT ${IMAGE_SUMMARY_COLS} FROM images WHERE state = 'ready' ORDER BY created_at DESC, id`)).map(imageOf);
  }

  async get(id: ImageId): Promise<StoredImage | undefined> {
    const row = await this.c.one<ImageRow>(`SELECT ${IMAGE_SUMMARY_COLS}, config FROM images WHERE id = $1 AND state = 'ready'`, [id]);
    return row && { ...imageOf(row), configRaw: row.config! };
  }

  async exists(id: ImageId): Promise<boolean> {
    return (await this.keys.image(id)) !== undefined;
  }

  async layers(id: ImageId): Promise<ImageLayer[]> {
    const rows = await this.c.rows<ImageLayerRow>(`SELECT ${IMAGE_LAYER_COLS}
      FROM images i JOIN image_layers il ON il.image = i.key JOIN layers l ON l.key = il.layer
      WHERE i.id = $1 AND i.state = 'ready' ORDER BY il.idx`, [id]);
    return rows.map(layerOf);
  }

  async delete(id: ImageId, opts: WriteOptions): Promise<string[] | null> {
    // Hidden at once, in one statement: of two processes deleting it, one gets the key.
    const row = await this.c.one<{ key: number }>(`UPDATE images SET state = 'deleting' WHERE id = $1 AND state = 'ready' RETURNING key`, [id]);
    if (!row) return null;
    return purgeImage(this.c, row.key, opts.chunkRows);
  }

  async referencedBlobs(): Promise<Set<string>> {
    const rows = await this.c.rows<{ d: string }>(`SELECT digest AS d FROM image_blobs UNION SELECT digest FROM layers UNION SELECT tar_blob FROM layers
      UNION SELECT blob FROM draft_ops WHERE blob IS NOT NULL`);
    return new Set(rows.map((r) => r.d));
  }

  /**
   * Also true while any image is pending, in any process: an ingest records its archive's blobs
   * only when it completes, and one in another process may be counting on a blob found present.
   * A blob kept that way is an orphan file, never a missing one.
   */
  async isReferenced(digest: string): Promise<boolean> {
    return (await this.c.one(`SELECT 1 AS used WHERE EXISTS (SELECT 1 FROM image_blobs WHERE digest = $1)
      OR EXISTS (SELECT 1 FROM layers WHERE digest = $1 OR tar_blob = $1) OR EXISTS (SELECT 1 FROM draft_ops WHERE blob = $1)
      OR EXISTS (SELECT 1 FROM images WHERE state = 'pending')`, [digest])) !== undefined;
  }
}
