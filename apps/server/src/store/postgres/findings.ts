import type { FindingsResponse } from '@peel/api';
import type { FindingsRepo, ImageId } from '../types.js';
import type { PgConn } from './conn.js';

/** Computed findings, one JSON row per image id and analysis version (see the SQLite store). */
export class PgFindings implements FindingsRepo {
  constructor(private readonly c: PgConn) {}

  async get(id: ImageId, version: number): Promise<FindingsResponse | null> {
    const row = await this.c.one<{ json: string }>(`SELECT json FROM image_findings WHERE image_id = $1 AND version = $2`, [id, version]);
    return row ? (JSON.parse(row.json) as FindingsResponse) : null;
  }

  async put(findings: FindingsResponse, version: number): Promise<void> {
    // Only for an image still stored: one deleted while its findings were computed keeps nothing.
    await this.c.run(`INSERT INTO image_findings (image_id, version, computed_at, json)
      SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM images WHERE id = $1 AND state = 'ready')
      ON CONFLICT (image_id) DO UPDATE SET version = EXCLUDED.version, computed_at = EXCLUDED.computed_at, json = EXCLUDED.json`,
    [findings.imageId, version, findings.computedAt, JSON.stringify(findings)]);
  }
}
