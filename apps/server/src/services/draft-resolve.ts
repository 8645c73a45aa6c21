import type { DraftNode } from '@peel/engine';
import { badRequest } from '../errors.js';

const MAX_LINK_HOPS = 40;

/**
 * Where a path lands in the edited filesystem: symlinks in the parent folders are followed the
 * way the kernel would inside a chroot at the image root (absolute targets restart at the
 * root, `..` never climbs above it), and the last component too when `followLast`. Missing
 * components are kept as they are (an edit may create them). Returns a normalised engine path.
 */
export function resolveDraftPath(view: { get(path: string): DraftNode | undefined }, path: string, followLast: boolean): string {
  let pending = path.split('/').filter((p) => p !== '' && p !== '.');
  let resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (name === '..') {
      resolved.pop();
      continue;
    }
    const node = view.get([...resolved, name].join('/'));
    const isLast = pending.length === 0;
    if (node?.type === 'symlink' && node.linkTarget !== null && (!isLast || followLast)) {
      if (++hops > MAX_LINK_HOPS) throw badRequest('LINK_LOOP', `too many symlinks while resolving /${path}`);
      if (node.linkTarget.startsWith('/')) resolved = [];
      pending = [...node.linkTarget.split('/').filter((p) => p !== '' && p !== '.'), ...pending];
      continue;
    }
    resolved.push(name);
  }
  return resolved.join('/');
}
