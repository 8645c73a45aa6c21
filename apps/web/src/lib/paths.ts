/** POSIX path helpers for absolute paths inside an image ("/etc/os-release"). */

/** "/etc/os-release" → "/etc"; "/etc" → "/"; "/" → "/". */
export function parentPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const cut = trimmed.lastIndexOf('/');
  return cut <= 0 ? '/' : trimmed.slice(0, cut);
}

/** "/etc/os-release" → "os-release"; "/" → "/". */
export function baseName(path: string): string {
  if (path === '/' || path === '') return '/';
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Every directory above a path, outermost first: "/a/b/c" → ["/", "/a", "/a/b"]. */
export function ancestors(path: string): string[] {
  const out: string[] = [];
  let current = parentPath(path);
  while (true) {
    out.unshift(current);
    if (current === '/') return out;
    current = parentPath(current);
  }
}

/** Depth below the root: "/" → 0, "/etc" → 1, "/etc/ssl/certs" → 3. */
export function depth(path: string): number {
  return path === '/' ? 0 : path.split('/').length - 1;
}

/** Joins and normalises ".", ".." and duplicate slashes; never climbs above "/". */
export function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/**
 * Where a link points inside the image. Symlink targets are relative to the link's directory
 * unless absolute; hard-link targets are stored relative to the image root.
 */
export function resolveLinkTarget(linkPath: string, target: string, kind: 'symlink' | 'hardlink'): string {
  if (target.startsWith('/') || kind === 'hardlink') return normalizePath(target);
  return normalizePath(`${parentPath(linkPath)}/${target}`);
}

/** A child of a folder: ("/", "etc") → "/etc"; ("/etc", "motd") → "/etc/motd". */
export function joinChild(folder: string, name: string): string {
  return folder === '/' ? `/${name}` : `${folder}/${name}`;
}
