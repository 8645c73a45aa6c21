import { useQuery } from '@tanstack/react-query';
import type { RegistryLogin, RegistryLoginRequest, RegistryManifest, RegistryOpenJob, RegistryTagsPage } from '@peel/api';
import { apiJson, apiUrl } from '../../../lib/api-client.js';

export const registryKeys = {
  all: () => ['registry'] as const,
  manifest: (ref: string, platform: string | null) => ['registry', 'manifest', ref, platform] as const,
  tags: (repo: string, cursor: string | null, details: boolean) => ['registry', 'tags', repo, cursor, details] as const,
};

/** `GET /api/registry/manifest`: the manifest, config and layers, read before any download. */
export function useRegistryManifest(ref: string | null, platform: string | null) {
  return useQuery({
    queryKey: registryKeys.manifest(ref ?? '', platform),
    queryFn: ({ signal }) => apiJson<RegistryManifest>(apiUrl('/api/registry/manifest', { ref, platform }), { signal }),
    enabled: ref !== null,
    retry: false,
    staleTime: 30_000,
  });
}

/**
 * `GET /api/registry/tags?paged=1`: one page of a repository's tags; with `details`, each tag's
 * digest, platforms and size too (a manifest read per tag: slower, so asked for after the list).
 */
export function useRegistryTags(repo: string | null, cursor: string | null, details = false, enabled = true) {
  return useQuery({
    queryKey: registryKeys.tags(repo ?? '', cursor, details),
    queryFn: ({ signal }) => apiJson<RegistryTagsPage>(apiUrl('/api/registry/tags', { repo, paged: 1, cursor, limit: 50, details: details ? 1 : null }), { signal }),
    enabled: repo !== null && enabled,
    retry: false,
    staleTime: 30_000,
  });
}

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** `POST /api/registry/open-jobs`: the server streams the layers into its ingest; poll the job. */
export const startRegistryOpen = (ref: string, platform: string | null): Promise<RegistryOpenJob> =>
  apiJson<RegistryOpenJob>('/api/registry/open-jobs', json(platform ? { ref, platform } : { ref }));

export const getRegistryOpen = (id: string): Promise<RegistryOpenJob> => apiJson<RegistryOpenJob>(`/api/registry/open-jobs/${encodeURIComponent(id)}`);

export const cancelRegistryOpen = (id: string): Promise<RegistryOpenJob> =>
  apiJson<RegistryOpenJob>(`/api/registry/open-jobs/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const registryLoginKeys = { all: () => ['registry', 'logins'] as const };

/** `GET /api/registry/logins`: the registries with credentials typed in for this session. */
export function useRegistryLogins() {
  return useQuery({ queryKey: registryLoginKeys.all(), queryFn: () => apiJson<RegistryLogin[]>('/api/registry/logins') });
}

/** `PUT /api/registry/logins`: credentials kept in the server's memory for this session. */
export const putRegistryLogin = (login: RegistryLoginRequest): Promise<void> =>
  apiJson<void>('/api/registry/logins', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(login) });

export const deleteRegistryLogin = (registry: string): Promise<void> => apiJson<void>(apiUrl('/api/registry/logins', { registry }), { method: 'DELETE' });
