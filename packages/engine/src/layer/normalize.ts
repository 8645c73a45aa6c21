/**
 * Entry-name normalisation, the way Docker and containerd clean names: leading `/` and `./`
 * stripped, `.` and empty components dropped, `..` clamped at the root (Docker 20.10 and
 * containerd clamp; moby HEAD refuses — we clamp and report).
 */
export interface NormalizedPath {
  /** '' for the root itself. */
  path: string;
  /** True when a `..` tried to climb above the root. */
  escaped: boolean;
}

export function normalizePath(name: string): NormalizedPath {
  const out: string[] = [];
  let escaped = false;
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) escaped = true;
      else out.pop();
      continue;
    }
    out.push(part);
  }
  return { path: out.join('/'), escaped };
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
/** AUFS bookkeeping names (`.wh..wh.aufs`, `.wh..wh.plnk/…`): hidden, never part of the filesystem. */
export const AUFS_META_PREFIX = '.wh..wh.';
