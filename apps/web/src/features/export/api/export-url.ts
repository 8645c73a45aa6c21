import type { ExportCompression, ExportMode } from '@peel/api';
import { apiUrl } from '../../../lib/api-client.js';

export interface ExportRequest {
  mode: ExportMode;
  /** name:tag written into the archive; the draft's `resultTag` when omitted. */
  tag?: string;
  compression?: ExportCompression;
}

/**
 * `GET /api/images/:id/export?mode=&tag=`: the rebuilt archive as a download. A link, not a
 * fetch: the browser streams it straight to disk, whatever its size.
 */
export function exportUrl(imageId: string, { mode, tag, compression }: ExportRequest): string {
  return apiUrl(`/api/images/${encodeURIComponent(imageId)}/export`, { mode, tag: tag || undefined, compression });
}
