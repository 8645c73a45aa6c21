import { baseName, joinPath, normalizePath, parentOf } from '@peel/engine';

/**
 * Paths inside an image. The API speaks absolute paths (`/etc/os-release`), the engine and the
 * store relative ones (`etc/os-release`, the root is ''). The engine's normalisation clamps `..`
 * at the root, the way Docker does, so no request can name anything outside the image.
 */

/** API path (absolute or not) → normalised engine path; the root is ''. */
export const toEnginePath = (apiPath: string): string => normalizePath(apiPath).path;

/** Engine path → absolute API path. */
export const toApiPath = (enginePath: string): string => `/${enginePath}`;

/** Splits a normalised engine path into its parent directory and its name. */
export const splitPath = (enginePath: string): { parent: string; name: string } => ({ parent: parentOf(enginePath), name: baseName(enginePath) });

export { joinPath };

/**
 * Where a link at `from` points, as a normalised path: hard-link targets and absolute symlink
 * targets start at the root, relative symlink targets at the link's directory.
 */
export function linkTargetPath(from: string, target: string, hard: boolean): string {
  return hard || target.startsWith('/') ? toEnginePath(target) : toEnginePath(`${splitPath(from).parent}/${target}`);
}
