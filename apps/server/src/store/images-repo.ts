import type { Db } from './db.js';

/** An image row as stored (JSON columns still serialised). */
export interface ImageRow {
  key: number;
  id: string;
  name: string;
  tags: string;
  format: string;
  platform: string;
  platforms: string;
  manifest_digest: string | null;
  manifest_media_type: string | null;
  config_digest: string;
  config: Buffer;
  history: string;
  problems: string;
  archive_digest: string;
  archive_size: number;
  outer_compression: string;
  size: number;
  layer_count: number;
  file_count: number;
  created_at: string;
}

export interface ImageLayerRow {
  idx: number;
  layer: number;
  media_type: string;
  archive_path: string;
  history: number | null;
  digest: string;
  diff_id: string;
  compression: string;
  size: number;
  uncompressed_size: number;
  tar_blob: string;
  entry_count: number;
  content_size: number;
  problems: string;
}

const SUMMARY_COLS = `key, id, name, tags, format, platform, platforms, manifest_digest, manifest_media_type, config_digest,
  history, problems, archive_digest, archive_size, outer_compression, size, layer_count, file_count, created_at`;

/** Image and layer lookups; only 'ready' images exist for readers. */
export class ImagesRepo {
  private readonly listStmt;
  private readonly byIdStmt;
  private readonly layersStmt;
  private readonly keyStmt;

  constructor(private readonly db: Db) {
    this.listStmt = db.prepare(`SELECT ${SUMMARY_COLS}, x'' AS config FROM images WHERE state = 'ready' ORDER BY created_at DESC, id`);
    this.byIdStmt = db.prepare(`SELECT ${SUMMARY_COLS}, config FROM images WHERE id = ? AND state = 'ready'`);
    this.keyStmt = db.prepare(`SELECT key FROM images WHERE id = ? AND state = 'ready'`).pluck();
    this.layersStmt = db.prepare(`SELECT il.idx, il.layer, il.media_type, il.archive_path, il.history, l.digest, l.diff_id,
        l.compression, l.size, l.uncompressed_size, l.tar_blob, l.entry_count, l.content_size, l.problems
      FROM image_layers il JOIN layers l ON l.key = il.layer WHERE il.image = ? ORDER BY il.idx`);
  }

  list(): ImageRow[] {
    return this.listStmt.all() as ImageRow[];
  }

  get(id: string): ImageRow | undefined {
    return this.byIdStmt.get(id) as ImageRow | undefined;
  }

  keyOf(id: string): number | undefined {
    return this.keyStmt.get(id) as number | undefined;
  }

  layers(imageKey: number): ImageLayerRow[] {
    return this.layersStmt.all(imageKey) as ImageLayerRow[];
  }

  /** Marks an image as going away: from now on no reader sees it. False if there was none. */
  hide(id: string): number | undefined {
    const key = this.keyOf(id);
    if (key === undefined) return undefined;
    this.db.prepare(`UPDATE images SET state = 'deleting' WHERE key = ?`).run(key);
    return key;
  }

  /** Every blob digest a stored image (in any state), layer or draft refers to. */
  referencedBlobs(): Set<string> {
    const rows = this.db.prepare(`SELECT digest FROM image_blobs UNION SELECT digest FROM layers UNION SELECT tar_blob FROM layers
      UNION SELECT blob FROM draft_ops WHERE blob IS NOT NULL`).pluck().all() as string[];
    return new Set(rows);
  }

  isReferenced(digest: string): boolean {
    return this.db.prepare(`SELECT 1 FROM image_blobs WHERE digest = ? UNION ALL SELECT 1 FROM layers WHERE digest = ? OR tar_blob = ?
      UNION ALL SELECT 1 FROM draft_ops WHERE blob = ? LIMIT 1`)
      .pluck().get(digest, digest, digest, digest) !== undefined;
  }
}
