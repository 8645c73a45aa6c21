import { useQuery } from '@tanstack/react-query';
import type { DockerImage } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';
import { dockerKeys } from './query-keys.js';

/** `GET /api/docker/images`: the engine's images (asked only when the engine is there). */
export function useDockerImages(enabled: boolean) {
  return useQuery({
    queryKey: dockerKeys.images(),
    queryFn: () => apiJson<DockerImage[]>('/api/docker/images'),
    enabled,
  });
}
