// The reference grammar of the distribution spec (what `docker tag` accepts), name and tag only.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const HOST = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?';
const REFERENCE = new RegExp(`^${HOST}${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?$`);

/** Why a name:tag would be refused by `docker tag`, or null when it is fine. */
export function imageRefProblem(ref: string): string | null {
  if (ref.trim() === '') return 'Give the image a name, like alpyne:latest.';
  if (ref !== ref.trim()) return 'No spaces around the name.';
  if (ref.length > 255) return 'Names are at most 255 characters.';
  if (!REFERENCE.test(ref)) {
    if (/[A-Z]/.test(ref.split('/').pop()?.split(':')[0] ?? '')) return 'Image names are lowercase (the tag may have capitals).';
    return 'Use name:tag with lowercase letters, digits and . _ - separators, like alpyne:latest or registry.local:5000/team/app:1.2.';
  }
  return null;
}
