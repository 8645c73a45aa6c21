/** Query keys of an archive's own entries and of the bytes of one of them. */
export const archiveKeys = {
  entries: (imageId: string) => ['archive', imageId] as const,
  content: (imageId: string, path: string) => ['archive-content', imageId, path] as const,
};
