import { useQuery } from '@tanstack/react-query';
import type { DockerImageLookup } from '@peel/api';
import { apiJson, apiUrl } from '../../../lib/api-client.js';
import { dockerKeys } from './query-keys.js';

/** `GET /api/docker/images/lookup?ref=`: the engine's image by that name, if it has one. */
export function useDockerImageLookup(ref: string, enabled: boolean) {
  return useQuery({
    // Under the image list's key: a load into Docker refreshes it with the list.
    queryKey: dockerKeys.lookup(ref),
    queryFn: () => apiJson<DockerImageLookup>(apiUrl('/api/docker/images/lookup', { ref })),
    enabled: enabled && ref !== '',
    retry: false,
    staleTime: 5_000,
  });
}
