import type { FindingsResponse } from '@peel/api';
import type { Db } from '../store/db.js';

/**
 * Computed findings, one JSON row per image id. The table is created here rather than by a
 * schema migration: it is only a cache (dropping it loses nothing), and keying it by the
 * content-derived image id means a row can never describe a different image. Rows of deleted
 * images are dropped on the next write.
 */
export class FindingsCache {
  private readonly getStmt;
  private readonly putStmt;
  private readonly sweepStmt;

  constructor(db: Db, private readonly version: number) {
    db.exec(`CREATE TABLE IF NOT EXISTS image_findings (
      image_id TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      computed_at TEXT NOT NULL,
      json TEXT NOT NULL
    ) WITHOUT ROWID`);
    this.getStmt = db.prepare(`SELECT json FROM image_findings WHERE image_id = ? AND version = ?`).pluck();
    this.putStmt = db.prepare(`INSERT OR REPLACE INTO image_findings (image_id, version, computed_at, json) VALUES (?, ?, ?, ?)`);
    this.sweepStmt = db.prepare(`DELETE FROM image_findings WHERE image_id NOT IN (SELECT id FROM images)`);
  }

  get(imageId: string): FindingsResponse | null {
    const json = this.getStmt.get(imageId, this.version) as string | undefined;
    return json === undefined ? null : (JSON.parse(json) as FindingsResponse);
  }

  put(findings: FindingsResponse): void {
    this.sweepStmt.run();
    this.putStmt.run(findings.imageId, this.version, findings.computedAt, JSON.stringify(findings));
  }
}
