import type { FindingsResponse } from '@peel/api';
import type { FindingsRepo, ImageId } from '../types.js';
import type { Conn } from './conn.js';

/**
 * Computed findings, one JSON row per image id and analysis version: keyed by the content-derived
 * id, a row can never describe a different image. A delete removes its image's row.
 */
export class SqliteFindings implements FindingsRepo {
  constructor(private readonly c: Conn) {}

  async get(id: ImageId, version: number): Promise<FindingsResponse | null> {
    const json = this.c.stmt(`SELECT json FROM image_findings WHERE image_id = ? AND version = ?`).pluck().get(id, version) as string | undefined;
    return json === undefined ? null : (JSON.parse(json) as FindingsResponse);
  }

  async put(findings: FindingsResponse, version: number): Promise<void> {
    await this.c.write(() => {
      // Only for an image still stored: one deleted while its findings were computed keeps nothing.
      this.c.stmt(`INSERT OR REPLACE INTO image_findings (image_id, version, computed_at, json)
        SELECT @id, @version, @computed_at, @json WHERE EXISTS (SELECT 1 FROM images WHERE id = @id AND state = 'ready')`)
        .run({ id: findings.imageId, version, computed_at: findings.computedAt, json: JSON.stringify(findings) });
    });
  }
}
