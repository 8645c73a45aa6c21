/** Query keys of an image's findings (sizes, waste, secrets). */
export const findingsKeys = {
  findings: (imageId: string) => ['findings', imageId] as const,
};
