import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ImageSummary } from '@peel/api';
import { apiJson, apiUrl } from '../../../lib/api-client.js';
import { imageKeys } from '../../images/index.js';
import type { ExportRequest } from './export-url.js';

/** `POST /api/images/:id/export/save?mode=&tag=`: builds the export and stores it as a new image. */
export function saveExport(imageId: string, { mode, tag, compression }: ExportRequest): Promise<ImageSummary> {
  return apiJson<ImageSummary>(apiUrl(`/api/images/${encodeURIComponent(imageId)}/export/save`, { mode, tag: tag || undefined, compression }), { method: 'POST' });
}

export function useSaveExport(imageId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (request: ExportRequest) => saveExport(imageId, request),
    onSuccess: () => client.invalidateQueries({ queryKey: imageKeys.list() }),
  });
}
