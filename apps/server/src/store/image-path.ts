/**
 * Paths inside an image. The API speaks absolute paths (`/etc/os-release`), the engine and the
 * store relative ones (`etc/os-release`, the root is ''). Normalisation clamps `..` at the root,
 * the way Docker does, so no request can name anything outside the image.
 */

/** API path (absolute or not) → normalised engine path; the root is ''. */
export function toEnginePath(apiPath: string): string {
  const out: string[] = [];
  for (const part of apiPath.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

/** Engine path → absolute API path. */
export const toApiPath = (enginePath: string): string => `/${enginePath}`;

/** Splits a normalised engine path into its parent directory and its name. */
export function splitPath(enginePath: string): { parent: string; name: string } {
  const slash = enginePath.lastIndexOf('/');
  return slash < 0
    ? { parent: '', name: enginePath }
    : { parent: enginePath.slice(0, slash), name: enginePath.slice(slash + 1) };
}

/** Joins a parent directory and a name (the root is ''). */
export const joinPath = (parent: string, name: string): string => (parent === '' ? name : `${parent}/${name}`);

/**
 * Where a link at `from` points, as a normalised path: hard-link targets and absolute symlink
 * targets start at the root, relative symlink targets at the link's directory.
 */
export function linkTargetPath(from: string, target: string, hard: boolean): string {
  return hard || target.startsWith('/') ? toEnginePath(target) : toEnginePath(`${splitPath(from).parent}/${target}`);
}
