import { queryOptions, useQuery } from '@tanstack/react-query';
import type { DockerStatus } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';
import { dockerKeys } from './query-keys.js';

/** `GET /api/docker`: is an engine there (and why not), may this server run containers. */
export const dockerStatusQuery = () =>
  queryOptions({
    queryKey: dockerKeys.status(),
    queryFn: () => apiJson<DockerStatus>('/api/docker'),
    staleTime: 15_000,
    retry: false,
  });

export function useDockerStatus() {
  return useQuery(dockerStatusQuery());
}

/** True only once the server said an engine answers: every Docker action hides until then. */
export function useDockerAvailable(): boolean {
  return useDockerStatus().data?.available === true;
}
