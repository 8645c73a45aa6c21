/** Mutation (and push-job query) keys of an image's export, so other parts of the dialog can see what it did. */
export const exportKeys = {
  loadIntoDocker: (imageId: string) => ['export', imageId, 'docker'] as const,
  pushJob: (jobId: string | null) => ['export', 'registry-push', jobId] as const,
};
