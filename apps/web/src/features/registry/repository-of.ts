/**
 * The repository a reference names (`host:5000/team/app:1.4@sha256:…` → `host:5000/team/app`):
 * what its tags are listed by. A colon after the last slash starts the tag; one before it is a port.
 */
export function repositoryOf(ref: string): string {
  const name = ref.trim().replace(/^docker:\/\//, '').replace(/@.*$/, '');
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}

/** The registry host a reference names, when it names one (`host:5000/app` → `host:5000`; `alpine` → Docker Hub). */
export function registryOf(ref: string): string {
  const repo = repositoryOf(ref);
  const first = repo.split('/')[0];
  return repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}
