/** Query keys of an image's draft (its pending edits). */
export const draftKeys = {
  draft: (imageId: string) => ['draft', imageId] as const,
};
