/**
 * The name an export gets unless the person gives one: the source's repository with the tag
 * `edited`, so loading the result into Docker never takes the original image's name over.
 */
export function editedTag(source: string): string {
  const base = source.split('@')[0];
  const colon = base.lastIndexOf(':');
  const repo = colon > base.lastIndexOf('/') ? base.slice(0, colon) : base;
  const tag = colon > base.lastIndexOf('/') ? base.slice(colon + 1) : 'latest';
  return `${repo}:${tag === 'edited' ? 'edited-2' : 'edited'}`;
}
