import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DockerLoadResult } from '@peel/api';
import { apiJson, apiUrl } from '../../../lib/api-client.js';
import type { ExportRequest } from './export-url.js';
import { dockerKeys } from '../../docker/index.js';
import { exportKeys } from './query-keys.js';

/** `POST /api/images/:id/export/docker?mode=&tag=`: the export, streamed into `docker load`. */
export function loadIntoDocker(imageId: string, { mode, tag, compression }: ExportRequest): Promise<DockerLoadResult> {
  return apiJson<DockerLoadResult>(apiUrl(`/api/images/${encodeURIComponent(imageId)}/export/docker`, { mode, tag: tag || undefined, compression }), { method: 'POST' });
}

export function useLoadIntoDocker(imageId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationKey: exportKeys.loadIntoDocker(imageId),
    mutationFn: (request: ExportRequest) => loadIntoDocker(imageId, request),
    onSuccess: () => client.invalidateQueries({ queryKey: dockerKeys.images() }),
  });
}
