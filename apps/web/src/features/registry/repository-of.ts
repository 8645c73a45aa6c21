/**
 * The repository a reference names (`host:5000/team/app:1.4@sha256:…` → `host:5000/team/app`):
 * what its tags are listed by. A colon after the last slash starts the tag; one before it is a port.
 */
export function repositoryOf(ref: string): string {
  const name = ref.trim().replace(/^docker:\/\//, '').replace(/@.*$/, '');
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}
