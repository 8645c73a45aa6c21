import { IMAGE_LAYER_COLS, IMAGE_SUMMARY_COLS, imageOf, layerOf, type ImageLayerRow, type ImageRow } from '../rows.js';
import type { ImageId, ImageLayer, ImageRecord, ImagesRepo, StoredImage, WriteOptions } from '../types.js';
import type { Conn } from './conn.js';
import { Keys } from './keys.js';
import { purgeImage } from './purge.js';

/** Image and layer lookups; only 'ready' images exist for readers. */
export class SqliteImages implements ImagesRepo {
  private readonly keys: Keys;

  constructor(private readonly c: Conn) {
    this.keys = new Keys(c);
  }

  async list(): Promise<ImageRecord[]> {
    const rows = this.c.stmt(`SELECT ${IMAGE_SUMMARY_COLS} FROM images WHERE state = 'ready' ORDER BY created_at DESC, id`).all() as ImageRow[];
    return rows.map(imageOf);
  }

  async get(id: ImageId): Promise<StoredImage | undefined> {
    const row = this.c.stmt(`SELECT ${IMAGE_SUMMARY_COLS}, config FROM images WHERE id = ? AND state = 'ready'`).get(id) as ImageRow | undefined;
    return row && { ...imageOf(row), configRaw: row.config! };
  }

  async exists(id: ImageId): Promise<boolean> {
    return this.keys.image(id) !== undefined;
  }

  async layers(id: ImageId): Promise<ImageLayer[]> {
    const key = this.keys.image(id);
    if (key === undefined) return [];
    const rows = this.c.stmt(`SELECT ${IMAGE_LAYER_COLS}
      FROM image_layers il JOIN layers l ON l.key = il.layer WHERE il.image = ? ORDER BY il.idx`).all(key) as ImageLayerRow[];
    return rows.map(layerOf);
  }

  async delete(id: ImageId, opts: WriteOptions): Promise<string[] | null> {
    // Hidden at once: from now on no reader sees it, and the rows go in chunks.
    const key = await this.c.write(() => {
      const k = this.keys.image(id);
      if (k !== undefined) this.c.stmt(`UPDATE images SET state = 'deleting' WHERE key = ?`).run(k);
      return k;
    });
    if (key === undefined) return null;
    return purgeImage(this.c, key, opts.chunkRows);
  }

  async referencedBlobs(): Promise<Set<string>> {
    const rows = this.c.stmt(`SELECT digest FROM image_blobs UNION SELECT digest FROM layers UNION SELECT tar_blob FROM layers
      UNION SELECT blob FROM draft_ops WHERE blob IS NOT NULL`).pluck().all() as string[];
    return new Set(rows);
  }

  async isReferenced(digest: string): Promise<boolean> {
    return this.c.stmt(`SELECT 1 FROM image_blobs WHERE digest = ? UNION ALL SELECT 1 FROM layers WHERE digest = ? OR tar_blob = ?
      UNION ALL SELECT 1 FROM draft_ops WHERE blob = ? LIMIT 1`)
      .pluck().get(digest, digest, digest, digest) !== undefined;
  }
}
