import type { DockerOpenJob } from '@peel/api';
import { apiJson } from '../../../lib/api-client.js';

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** `POST /api/docker/open-jobs`: the server starts `docker save` → ingest; poll the job. */
export const startOpenJob = (ref: string): Promise<DockerOpenJob> => apiJson<DockerOpenJob>('/api/docker/open-jobs', json({ ref }));

export const getOpenJob = (id: string): Promise<DockerOpenJob> => apiJson<DockerOpenJob>(`/api/docker/open-jobs/${encodeURIComponent(id)}`);

export const cancelOpenJob = (id: string): Promise<DockerOpenJob> =>
  apiJson<DockerOpenJob>(`/api/docker/open-jobs/${encodeURIComponent(id)}`, { method: 'DELETE' });
