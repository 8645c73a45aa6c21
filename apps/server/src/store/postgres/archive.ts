import { encodeName } from '@peel/engine';
import { ARCHIVE_ENTRY_COLS, archiveEntryOf, type ArchiveEntryRow } from '../rows.js';
import type { ArchiveEntryRecord, ArchiveRepo, ImageId } from '../types.js';
import type { PgConn } from './conn.js';
import { Keys } from './keys.js';

/** The uploaded archive's own entries (manifest.json, blobs…), in archive order. */
export class PgArchive implements ArchiveRepo {
  private readonly keys: Keys;

  constructor(private readonly c: PgConn) {
    this.keys = new Keys(c);
  }

  async entries(id: ImageId): Promise<ArchiveEntryRecord[]> {
    const image = await this.keys.image(id);
    if (image === undefined) return [];
    return (await this.c.rows<ArchiveEntryRow>(`SELECT ${ARCHIVE_ENTRY_COLS} FROM archive_entries WHERE image = $1 ORDER BY seq`, [image])).map(archiveEntryOf);
  }

  async entry(id: ImageId, path: string): Promise<ArchiveEntryRecord | undefined> {
    const image = await this.keys.image(id);
    if (image === undefined) return undefined;
    const row = await this.c.one<ArchiveEntryRow>(`SELECT ${ARCHIVE_ENTRY_COLS} FROM archive_entries WHERE image = $1 AND path = $2 ORDER BY seq DESC LIMIT 1`, [image, encodeName(path)]);
    return row && archiveEntryOf(row);
  }
}
