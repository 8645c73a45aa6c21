import { useMutation, useQuery } from '@tanstack/react-query';
import type { RegistryPushJob, RegistryPushRequest } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';
import { exportKeys } from './query-keys.js';

const LIVE = new Set<RegistryPushJob['state']>(['building', 'pushing', 'manifest']);
export const isPushLive = (job: RegistryPushJob | undefined): boolean => job !== undefined && LIVE.has(job.state);

/** `POST /api/images/:id/export/registry`: the server builds the export and pushes it; poll the job. */
export const startPush = (imageId: string, request: RegistryPushRequest): Promise<RegistryPushJob> =>
  apiJson<RegistryPushJob>(`/api/images/${encodeURIComponent(imageId)}/export/registry`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });

export const getPushJob = (id: string): Promise<RegistryPushJob> => apiJson<RegistryPushJob>(`/api/registry/push-jobs/${encodeURIComponent(id)}`);

export const cancelPushJob = (id: string): Promise<RegistryPushJob> => apiJson<RegistryPushJob>(`/api/registry/push-jobs/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useStartPush(imageId: string) {
  return useMutation({ mutationFn: (request: RegistryPushRequest) => startPush(imageId, request) });
}

/** The job, polled while it runs (the started job's view until the first poll). */
export function usePushJob(started: RegistryPushJob | undefined) {
  return useQuery({
    queryKey: exportKeys.pushJob(started?.id ?? null),
    queryFn: () => getPushJob(started!.id),
    enabled: started !== undefined,
    initialData: started,
    refetchInterval: (query) => (isPushLive(query.state.data) ? 300 : false),
  });
}
