/** Query keys of the Files tab's own queries: a path search, paged, and its total with what is deleted. */
export const filesKeys = {
  search: (imageId: string, q: string, deleted: boolean) => ['search', imageId, q, deleted] as const,
  searchTotal: (imageId: string, q: string) => ['search-total', imageId, q] as const,
};
