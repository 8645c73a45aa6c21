/** Query keys of an image's packages; a stored image never changes, so neither do they. */
export const packagesKeys = {
  all: (imageId: string) => ['packages', imageId] as const,
  /** The list under one filter (`filter` as the API query writes it). */
  list: (imageId: string, filter: string) => ['packages', imageId, 'list', filter] as const,
  /** Whether the inventory is ready, or how far its computation has come. */
  progress: (imageId: string) => ['packages', imageId, 'progress'] as const,
  /** The packages whose name holds `name`, to find a selected one not loaded in the list. */
  named: (imageId: string, name: string) => ['packages', imageId, 'named', name] as const,
  /** The packages owning one file of the final filesystem. */
  owning: (imageId: string, path: string) => ['packages', imageId, 'owning', path] as const,
};
