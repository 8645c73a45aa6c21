/** Query keys of the Files tab's own queries: a path search, paged. */
export const filesKeys = {
  search: (imageId: string, q: string) => ['search', imageId, q] as const,
};
