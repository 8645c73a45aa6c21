/** The Run page, for an image reference (a tag or an id). */
export const dockerRunLink = (ref?: string): string => (ref ? `/docker/run?ref=${encodeURIComponent(ref)}` : '/docker/run');

/** `sha256:0123…` → `0123456789ab`, as `docker images` shows ids. */
export const shortImageId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);
