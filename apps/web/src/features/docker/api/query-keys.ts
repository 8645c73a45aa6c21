/**
 * Query keys of the Docker engine beside Peel. `images()` is the prefix of every lookup by name,
 * so refreshing the engine's image list refreshes the lookups too.
 */
export const dockerKeys = {
  status: () => ['docker', 'status'] as const,
  images: () => ['docker', 'images'] as const,
  lookup: (ref: string) => ['docker', 'images', 'lookup', ref] as const,
  run: (id: string | null) => ['docker', 'run', id] as const,
};
