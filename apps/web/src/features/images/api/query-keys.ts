/**
 * Query keys of the stored images. The list's key is the prefix of every image's, so
 * invalidating the list (after an upload, a save or an open from Docker) refreshes each open
 * image too.
 */
export const imageKeys = {
  list: () => ['images'] as const,
  image: (id: string) => ['images', id] as const,
};
