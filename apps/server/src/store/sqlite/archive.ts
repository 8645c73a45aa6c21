import { decodeName, encodeName } from '@peel/engine';
import type { ArchiveEntryRecord, ArchiveRepo, ImageId } from '../types.js';
import type { Conn } from './conn.js';
import { Keys } from './keys.js';
import { textOf } from './rows.js';

export interface ArchiveEntryRow {
  seq: number;
  path: Buffer;
  type: string;
  size: number;
  digest: string | null;
  link_target: Buffer | null;
  role: string;
  label: string | null;
  media_type: string | null;
}

const COLS = 'seq, path, type, size, digest, link_target, role, label, media_type';

export function recordOf(e: ArchiveEntryRow): ArchiveEntryRecord {
  return { seq: e.seq, path: decodeName(e.path), type: e.type, size: e.size, digest: e.digest, linkTarget: textOf(e.link_target), role: e.role, label: e.label, mediaType: e.media_type };
}

/** The uploaded archive's own entries (manifest.json, blobs…), in archive order. */
export class SqliteArchive implements ArchiveRepo {
  private readonly keys: Keys;

  constructor(private readonly c: Conn) {
    this.keys = new Keys(c);
  }

  async entries(id: ImageId): Promise<ArchiveEntryRecord[]> {
    const image = this.keys.image(id);
    if (image === undefined) return [];
    return (this.c.stmt(`SELECT ${COLS} FROM archive_entries WHERE image = ? ORDER BY seq`).all(image) as ArchiveEntryRow[]).map(recordOf);
  }

  async entry(id: ImageId, path: string): Promise<ArchiveEntryRecord | undefined> {
    const image = this.keys.image(id);
    if (image === undefined) return undefined;
    const row = this.c.stmt(`SELECT ${COLS} FROM archive_entries WHERE image = ? AND path = ? ORDER BY seq DESC LIMIT 1`).get(image, encodeName(path)) as ArchiveEntryRow | undefined;
    return row && recordOf(row);
  }
}
