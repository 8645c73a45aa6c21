import type { Platform, PlatformChoice, Problem } from '@peel/api';
import type { HistoryStep } from '@peel/engine';
import type { ImageId, ImageLayer, ImageRecord, ImagesRepo, StoredImage, WriteOptions } from '../types.js';
import type { Conn } from './conn.js';
import { Keys } from './keys.js';
import { purgeImage } from './purge.js';

export interface ImageRow {
  id: string;
  name: string;
  tags: string;
  format: string;
  platform: string;
  platforms: string;
  manifest_digest: string | null;
  manifest_media_type: string | null;
  config_digest: string;
  config?: Buffer;
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

const SUMMARY_COLS = `id, name, tags, format, platform, platforms, manifest_digest, manifest_media_type, config_digest,
  history, problems, archive_digest, archive_size, outer_compression, size, layer_count, file_count, created_at`;

export function recordOf(row: ImageRow): ImageRecord {
  return {
    id: row.id,
    name: row.name,
    tags: JSON.parse(row.tags) as string[],
    format: row.format,
    platform: JSON.parse(row.platform) as Platform,
    platforms: JSON.parse(row.platforms) as PlatformChoice[],
    manifestDigest: row.manifest_digest,
    manifestMediaType: row.manifest_media_type,
    configDigest: row.config_digest,
    history: JSON.parse(row.history) as HistoryStep[],
    problems: JSON.parse(row.problems) as Problem[],
    archiveDigest: row.archive_digest,
    archiveSize: row.archive_size,
    outerCompression: row.outer_compression,
    size: row.size,
    layerCount: row.layer_count,
    fileCount: row.file_count,
    createdAt: row.created_at,
  };
}

export function layerOf(l: ImageLayerRow): ImageLayer {
  return {
    index: l.idx,
    layerDigest: l.digest,
    mediaType: l.media_type,
    archivePath: l.archive_path,
    history: l.history,
    diffId: l.diff_id,
    compression: l.compression,
    size: l.size,
    uncompressedSize: l.uncompressed_size,
    tarBlob: l.tar_blob,
    entryCount: l.entry_count,
    contentSize: l.content_size,
    problems: JSON.parse(l.problems) as Problem[],
  };
}

/** Image and layer lookups; only 'ready' images exist for readers. */
export class SqliteImages implements ImagesRepo {
  private readonly keys: Keys;

  constructor(private readonly c: Conn) {
    this.keys = new Keys(c);
  }

  async list(): Promise<ImageRecord[]> {
    const rows = this.c.stmt(`SELECT ${SUMMARY_COLS} FROM images WHERE state = 'ready' ORDER BY created_at DESC, id`).all() as ImageRow[];
    return rows.map(recordOf);
  }

  async get(id: ImageId): Promise<StoredImage | undefined> {
    const row = this.c.stmt(`SELECT ${SUMMARY_COLS}, config FROM images WHERE id = ? AND state = 'ready'`).get(id) as ImageRow | undefined;
    return row && { ...recordOf(row), configRaw: row.config! };
  }

  async exists(id: ImageId): Promise<boolean> {
    return this.keys.image(id) !== undefined;
  }

  async layers(id: ImageId): Promise<ImageLayer[]> {
    const key = this.keys.image(id);
    if (key === undefined) return [];
    const rows = this.c.stmt(`SELECT il.idx, il.media_type, il.archive_path, il.history, l.digest, l.diff_id,
        l.compression, l.size, l.uncompressed_size, l.tar_blob, l.entry_count, l.content_size, l.problems
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
