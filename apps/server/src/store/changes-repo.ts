import type { Db } from './db.js';

export interface ChangeRow {
  path: Buffer;
  change: string;
  type: string;
  size: number;
  previous_layer: number | null;
  metadata_only: number;
  previous_size: number | null;
}

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

/** Per-layer changes and the outer archive's own entries, as stored at ingest. */
export class ChangesRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      changes: db.prepare(`SELECT path, change, type, size, previous_layer, metadata_only, previous_size
        FROM layer_changes WHERE image = ? AND layer = ? ORDER BY seq LIMIT ? OFFSET ?`),
      archive: db.prepare(`SELECT seq, path, type, size, digest, link_target, role, label, media_type
        FROM archive_entries WHERE image = ? ORDER BY seq`),
      archiveByPath: db.prepare(`SELECT seq, path, type, size, digest, link_target, role, label, media_type
        FROM archive_entries WHERE image = ? AND path = ? ORDER BY seq DESC LIMIT 1`),
    };
  }

  changes(image: number, layer: number, limit: number, offset: number): ChangeRow[] {
    return this.s.changes.all(image, layer, limit, offset) as ChangeRow[];
  }

  archiveEntries(image: number): ArchiveEntryRow[] {
    return this.s.archive.all(image) as ArchiveEntryRow[];
  }

  archiveEntry(image: number, path: Buffer): ArchiveEntryRow | undefined {
    return this.s.archiveByPath.get(image, path) as ArchiveEntryRow | undefined;
  }
}
