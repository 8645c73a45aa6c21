import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DockerLoadResult } from '@peel/api';
import { apiJson, apiUrl } from '../../../lib/api-client.js';
import type { ExportRequest } from './export-url.js';

/** `POST /api/images/:id/export/docker?mode=&tag=`: the export, streamed into `docker load`. */
export function loadIntoDocker(imageId: string, { mode, tag, compression }: ExportRequest): Promise<DockerLoadResult> {
  return apiJson<DockerLoadResult>(apiUrl(`/api/images/${encodeURIComponent(imageId)}/export/docker`, { mode, tag: tag || undefined, compression }), { method: 'POST' });
}

/** Loads of this image's export, so other parts of the dialog can see what was loaded. */
export const loadMutationKey = (imageId: string) => ['docker', 'load', imageId] as const;

export function useLoadIntoDocker(imageId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationKey: loadMutationKey(imageId),
    mutationFn: (request: ExportRequest) => loadIntoDocker(imageId, request),
    onSuccess: () => client.invalidateQueries({ queryKey: ['docker', 'images'] }),
  });
}
