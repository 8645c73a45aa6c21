import type { Db } from './db.js';

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

/** The uploaded archive's own entries (manifest.json, blobs…), in archive order. */
export class ArchiveRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      all: db.prepare(`SELECT seq, path, type, size, digest, link_target, role, label, media_type
        FROM archive_entries WHERE image = ? ORDER BY seq`),
      byPath: db.prepare(`SELECT seq, path, type, size, digest, link_target, role, label, media_type
        FROM archive_entries WHERE image = ? AND path = ? ORDER BY seq DESC LIMIT 1`),
    };
  }

  entries(image: number): ArchiveEntryRow[] {
    return this.s.all.all(image) as ArchiveEntryRow[];
  }

  /** The entry at a path (the last one when the tar repeats it). */
  entry(image: number, path: Buffer): ArchiveEntryRow | undefined {
    return this.s.byPath.get(image, path) as ArchiveEntryRow | undefined;
  }
}
