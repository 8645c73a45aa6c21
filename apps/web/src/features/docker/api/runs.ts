import { useQuery } from '@tanstack/react-query';
import type { DockerRun, DockerRunRequest } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';
import { dockerKeys } from './query-keys.js';

const runUrl = (id: string) => `/api/docker/runs/${encodeURIComponent(id)}`;

/** `POST /api/docker/runs`: creates the container (a TTY run starts when its terminal attaches). */
export const createRun = (request: DockerRunRequest): Promise<DockerRun> =>
  apiJson<DockerRun>('/api/docker/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });

/** `DELETE /api/docker/runs/:id`: stops it; the engine removes the container. */
export const stopRun = (id: string): Promise<DockerRun> => apiJson<DockerRun>(runUrl(id), { method: 'DELETE' });

export const isLive = (run: DockerRun | undefined): boolean => run?.state === 'created' || run?.state === 'running';

/** `GET /api/docker/runs/:id`, polled while the container lives. */
export function useRun(id: string | null) {
  return useQuery({
    queryKey: dockerKeys.run(id),
    queryFn: () => apiJson<DockerRun>(runUrl(id!)),
    enabled: id !== null,
    refetchInterval: (query) => (isLive(query.state.data) ? 500 : false),
  });
}

/** The terminal's websocket on this page's own origin (the server checks Origin and Host). */
export function attachUrl(id: string, size: { cols: number; rows: number }): string {
  const url = new URL(`${runUrl(id)}/attach`, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('cols', String(size.cols));
  url.searchParams.set('rows', String(size.rows));
  return url.toString();
}
