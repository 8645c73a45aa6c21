import { normalizePath } from '../../lib/paths.js';

/**
 * The absolute path a person means by what they typed in a folder: "/etc/x" as is, "x" or
 * "sub/x" inside the folder. Null for nothing, the root, or a name that climbs out with "..".
 */
export function targetPath(folder: string, typed: string): string | null {
  const text = typed.trim();
  if (!text || text.split('/').some((part) => part === '..')) return null;
  const path = normalizePath(text.startsWith('/') ? text : `${folder}/${text}`);
  return path === '/' ? null : path;
}
