import { resolveLinks, type DraftNode } from '@peel/engine';
import { badRequest } from '../errors.js';

/**
 * Where a path lands in the edited filesystem, by the engine's resolver: missing components are
 * kept as they are (an edit may create them). Returns a normalised engine path.
 */
export function resolveDraftPath(view: { get(path: string): DraftNode | undefined }, path: string, followLast: boolean): string {
  const r = resolveLinks(path, (p) => view.get(p), { followLast, throughMissing: true });
  if (!r.found && r.reason === 'loop') throw badRequest('LINK_LOOP', `too many symlinks while resolving /${path}`);
  return r.path;
}
