/**
 * Names for the exported image. RepoTags are written fully qualified (`docker.io/library/x:1`):
 * Docker shows them familiar, and podman then does not rename short names to `localhost/…`.
 */
export interface QualifiedTag {
  /** e.g. docker.io/library/alpyne:latest */
  full: string;
  /** The tag alone, for org.opencontainers.image.ref.name, e.g. latest */
  refName: string;
}

const TAG_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?$/;

export function qualifyTag(tag: string): QualifiedTag {
  const t = tag.trim();
  if (!TAG_RE.test(t.replace(/^([a-z0-9.-]+\.[a-z0-9.-]+|localhost)(:[0-9]+)?\//, 'registry/'))) {
    throw new Error(`invalid image name ${JSON.stringify(tag)}: use name:tag, e.g. alpyne:latest`);
  }
  const lastSlash = t.lastIndexOf('/');
  const colon = t.lastIndexOf(':');
  const hasTag = colon > lastSlash;
  const name = hasTag ? t.slice(0, colon) : t;
  const refName = hasTag ? t.slice(colon + 1) : 'latest';
  const first = name.split('/')[0];
  const hasRegistry = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const qualified = hasRegistry ? name : name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`;
  return { full: `${qualified}:${refName}`, refName };
}

/** `alpyne:latest` → `alpyne-latest.tar` (safe for a Content-Disposition filename). */
export function archiveFileName(tag: string): string {
  const base = tag.replace(/^docker\.io\/(library\/)?/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${base || 'image'}.tar`;
}
