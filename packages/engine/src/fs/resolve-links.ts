import type { LayerEntryType } from '../types.js';

/** What resolving needs to know of an existing path: its type and, for a symlink, its target. */
export interface LinkStep {
  type: LayerEntryType;
  linkTarget: string | null;
}

/** Symlinks followed for one path before it counts as a loop (Linux's MAXSYMLINKS). */
export const MAX_LINK_HOPS = 40;

export type LinkResolution =
  | { found: true; path: string }
  /** `path`: as far as it resolved, then the rest as written (with `throughMissing`). */
  | { found: false; reason: 'missing' | 'not-a-folder'; path: string }
  | { found: false; reason: 'loop'; path: string };

export interface ResolveOptions {
  /** A final symlink is followed (true) or is the answer itself (false). */
  followLast?: boolean;
  /**
   * Go on past a missing component (an edit may create it), resolving the rest as far as the
   * lookup knows it; the answer is then `missing` with the whole path. Otherwise stop there.
   */
  throughMissing?: boolean;
}

/**
 * Finds where a path lands, following symlinks in every component the way the kernel would
 * inside a chroot at the image root: absolute targets restart at the root, `..` never climbs
 * above it, and nothing of the host is consulted. `path` and the answer are relative to the root
 * ("etc/os-release", "" for the root itself). One resolver for every view of an image: the merged
 * filesystem in memory, the stored index, a draft.
 */
export function resolveLinks(path: string, lookup: (path: string) => LinkStep | null | undefined, options: ResolveOptions = {}): LinkResolution {
  const followLast = options.followLast ?? true;
  let pending = components(path);
  let resolved: string[] = [];
  let hops = 0;
  let missing = false;
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (name === '..') {
      resolved.pop();
      continue;
    }
    const candidate = [...resolved, name].join('/');
    const step = lookup(candidate);
    const isLast = pending.length === 0;
    if (!step) {
      if (!options.throughMissing) return { found: false, reason: 'missing', path: [candidate, ...pending].join('/') };
      missing = true;
      resolved.push(name);
      continue;
    }
    if (step.type === 'symlink' && step.linkTarget !== null && (!isLast || followLast)) {
      if (++hops > MAX_LINK_HOPS) return { found: false, reason: 'loop', path: candidate };
      if (step.linkTarget.startsWith('/')) resolved = [];
      pending = [...components(step.linkTarget), ...pending];
      continue;
    }
    if (!isLast && step.type !== 'dir' && !options.throughMissing) return { found: false, reason: 'not-a-folder', path: candidate };
    resolved.push(name);
  }
  const real = resolved.join('/');
  return missing ? { found: false, reason: 'missing', path: real } : { found: true, path: real };
}

function components(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}
