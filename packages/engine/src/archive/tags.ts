/**
 * Shows references the way `docker images` does: `docker.io/library/foo:1` → `foo:1`,
 * `docker.io/org/foo:1` → `org/foo:1`; other registries and bare tags stay as they are.
 */
export function normalizeTag(ref: string): string {
  if (ref.startsWith('docker.io/library/')) return ref.slice('docker.io/library/'.length);
  if (ref.startsWith('docker.io/')) return ref.slice('docker.io/'.length);
  return ref;
}
