import type { DraftState, ImageSummary } from '@peel/api';

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

/**
 * The draft's own tag when one was set; else a new tag of the name the image came by (the one
 * it was opened from Docker by, else its first tag), so a load never takes the original's name.
 */
export function defaultExportName(image: Pick<ImageSummary, 'name' | 'tags'>, draft: Pick<DraftState, 'tag' | 'resultTag'> | undefined): string {
  if (draft?.tag) return draft.tag;
  const source = image.tags.includes(image.name) ? image.name : image.tags[0];
  return source ? editedTag(source) : (draft?.resultTag ?? '');
}
