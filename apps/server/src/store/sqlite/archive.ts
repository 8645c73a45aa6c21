import { encodeName } from '@peel/engine';
import { ARCHIVE_ENTRY_COLS, archiveEntryOf, type ArchiveEntryRow } from '../rows.js';
import type { ArchiveEntryRecord, ArchiveRepo, ImageId } from '../types.js';
import type { Conn } from './conn.js';
import { Keys } from './keys.js';

/** The uploaded archive's own entries (manifest.json, blobs…), in archive order. */
export class SqliteArchive implements ArchiveRepo {
  private readonly keys: Keys;

  constructor(private readonly c: Conn) {
    this.keys = new Keys(c);
  }

  async entries(id: ImageId): Promise<ArchiveEntryRecord[]> {
    const image = this.keys.image(id);
    if (image === undefined) return [];
    return (this.c.stmt(`SELECT ${ARCHIVE_ENTRY_COLS} FROM archive_entries WHERE image = ? ORDER BY seq`).all(image) as ArchiveEntryRow[]).map(archiveEntryOf);
  }

  async entry(id: ImageId, path: string): Promise<ArchiveEntryRecord | undefined> {
    const image = this.keys.image(id);
    if (image === undefined) return undefined;
    const row = this.c.stmt(`SELECT ${ARCHIVE_ENTRY_COLS} FROM archive_entries WHERE image = ? AND path = ? ORDER BY seq DESC LIMIT 1`).get(image, encodeName(path)) as ArchiveEntryRow | undefined;
    return row && archiveEntryOf(row);
  }
}
